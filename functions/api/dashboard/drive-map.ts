import { $ } from './dom';
import { api } from './api-client';
import { fitView, inView, metresPerPixel, tileHref, tilesOf, type LatLon, type MapView } from './map-view';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const HEIGHT = 320;

interface Place extends LatLon {
  name: string;
  radiusM: number;
}

/** The owner's tile template and places, read once a page load (neither changes while it is open). */
let settings: Promise<{ tileUrl: string | null; places: Place[] }> | null = null;
const mapSettings = () =>
  (settings ??= Promise.all([api<{ tileUrl: string | null }>('/map-settings'), api<{ places: Place[] }>('/places')]).then(([m, p]) => ({
    tileUrl: m.tileUrl,
    places: p.places,
  })));

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The picked drive's route over the owner's map tiles, or over a plain grid when none are set (no third-party host
 * is asked for anything then): each stored reading's position in order, where it started and ended, and the owner's
 * places in view. A route is a point every few minutes (the collector's reads), drawn as straight lines between them.
 */
export async function renderDriveMap(readings: ReadonlyArray<{ at: string; location: LatLon | null }>): Promise<void> {
  const figure = $('drive-map');
  const route = readings.filter((r): r is { at: string; location: LatLon } => r.location !== null).map((r) => r.location);
  if (route.length === 0) {
    figure.hidden = true;
    return;
  }
  const { tileUrl, places } = await mapSettings();
  const view = fitView(route, WIDTH, HEIGHT);
  const svg = el('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `Route of the drive: ${route.length} positions` });
  svg.append(el('rect', { width: WIDTH, height: HEIGHT, class: 'map-ground' }));
  if (tileUrl)
    for (const t of tilesOf(view)) svg.append(el('image', { href: tileHref(tileUrl, view.zoom, t.x, t.y), x: t.left, y: t.top, width: 256, height: 256 }));
  else {
    for (let x = 64; x < WIDTH; x += 64) svg.append(el('line', { x1: x, y1: 0, x2: x, y2: HEIGHT, class: 'map-grid' }));
    for (let y = 64; y < HEIGHT; y += 64) svg.append(el('line', { x1: 0, y1: y, x2: WIDTH, y2: y, class: 'map-grid' }));
  }
  drawPlaces(svg, view, places);
  const points = route.map((p) => inView(view, p));
  svg.append(el('polyline', { points: points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' '), class: 'map-route' }));
  const [first, last] = [points[0]!, points[points.length - 1]!];
  // The start as a ring around the end's dot: a round trip shows both.
  svg.append(el('circle', { cx: last.x, cy: last.y, r: 5, class: 'map-end' }), el('circle', { cx: first.x, cy: first.y, r: 9, class: 'map-start' }));
  const caption = document.createElement('figcaption');
  caption.textContent = `${route.length} positions, one per reading, joined by straight lines; ring: start, dot: end. ${
    tileUrl ? `Map tiles: ${new URL(tileUrl.replaceAll(/\{[zxy]\}/g, '0')).host}.` : 'No map tiles: set MAP_TILE_URL to draw streets under the route.'
  }`;
  figure.replaceChildren(svg, caption);
  figure.hidden = false;
}

/** The owner's places in view: a circle of their radius, and their name. */
function drawPlaces(svg: SVGSVGElement, view: MapView, places: readonly Place[]): void {
  for (const place of places) {
    const { x, y } = inView(view, place);
    if (x < -50 || y < -50 || x > WIDTH + 50 || y > HEIGHT + 50) continue;
    const r = Math.max(4, place.radiusM / metresPerPixel(place.latitude, view.zoom));
    svg.append(el('circle', { cx: x, cy: y, r, class: 'map-place' }), el('text', { x: x + r + 3, y: y + 4, class: 'map-label' }, place.name));
  }
}
