/**
 * Web Mercator, as map tiles are cut: where a position falls in the world's pixels at a zoom level (256 px tiles),
 * and the view that fits a set of positions. Pure, so that it is tested without a browser.
 */
export interface LatLon {
  latitude: number;
  longitude: number;
}

const TILE = 256;
const MAX_ZOOM = 17;

export function worldPixel(p: LatLon, zoom: number): { x: number; y: number } {
  const size = TILE * 2 ** zoom;
  const lat = Math.max(-85.0511, Math.min(85.0511, p.latitude));
  const sin = Math.sin((lat * Math.PI) / 180);
  return { x: ((p.longitude + 180) / 360) * size, y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size };
}

export interface MapView {
  zoom: number;
  /** The world pixel at the view's top left corner. */
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The highest zoom (17 at most) at which all the points fit in width × height less a margin, centred. */
export function fitView(points: readonly LatLon[], width: number, height: number, margin = 24): MapView {
  for (let zoom = MAX_ZOOM; zoom > 0; zoom--) {
    const px = points.map((p) => worldPixel(p, zoom));
    const xs = px.map((p) => p.x);
    const ys = px.map((p) => p.y);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    if (maxX - minX <= width - 2 * margin && maxY - minY <= height - 2 * margin)
      return { zoom, left: (minX + maxX) / 2 - width / 2, top: (minY + maxY) / 2 - height / 2, width, height };
  }
  const c = worldPixel(points[0]!, 0);
  return { zoom: 0, left: c.x - width / 2, top: c.y - height / 2, width, height };
}

/** Where a position falls in the view. */
export function inView(view: MapView, p: LatLon): { x: number; y: number } {
  const w = worldPixel(p, view.zoom);
  return { x: w.x - view.left, y: w.y - view.top };
}

/** The tiles that cover the view: their x, y at the view's zoom, and where each one's corner falls in the view. */
export function tilesOf(view: MapView): Array<{ x: number; y: number; left: number; top: number }> {
  const count = 2 ** view.zoom;
  const tiles = [];
  for (let ty = Math.floor(view.top / TILE); ty * TILE < view.top + view.height; ty++) {
    if (ty < 0 || ty >= count) continue;
    for (let tx = Math.floor(view.left / TILE); tx * TILE < view.left + view.width; tx++)
      tiles.push({ x: ((tx % count) + count) % count, y: ty, left: tx * TILE - view.left, top: ty * TILE - view.top });
  }
  return tiles;
}

/** A tile's address from the owner's template. */
export const tileHref = (template: string, z: number, x: number, y: number): string =>
  template.replaceAll('{z}', String(z)).replaceAll('{x}', String(x)).replaceAll('{y}', String(y));

/** Metres per view pixel at a latitude: how large a place's radius is drawn. */
export const metresPerPixel = (latitude: number, zoom: number): number => (156_543.03392 * Math.cos((latitude * Math.PI) / 180)) / 2 ** zoom;
