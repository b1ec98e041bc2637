import { describe, expect, it } from '@jest/globals';
import { fitView, inView, metresPerPixel, tileHref, tilesOf, worldPixel } from '../../../../functions/api/dashboard/map-view';

describe('the drive map’s projection', () => {
  it('places positions as tiles are cut (Web Mercator): the tile holding a known place at a known zoom', () => {
    // The slippy-map tile numbers (OpenStreetMap wiki: x = (lon + 180) / 360 × 2^z, y = (1 − asinh(tan lat) / π) / 2 × 2^z),
    // worked out apart from this code: Tesla's Fremont factory is in tile 13/1321/3174.
    const p = worldPixel({ latitude: 37.4925, longitude: -121.9447 }, 13);
    expect([Math.floor(p.x / 256), Math.floor(p.y / 256)]).toEqual([1321, 3174]);
    // The equator and the prime meridian meet at the corner of the four tiles of zoom 1.
    expect(worldPixel({ latitude: 0, longitude: 0 }, 1)).toEqual({ x: 256, y: 256 });
  });

  it('fits a route: every point inside the view, at the closest zoom that holds it', () => {
    const route = [
      { latitude: 37.49, longitude: -121.94 },
      { latitude: 37.52, longitude: -121.98 },
      { latitude: 37.47, longitude: -121.9 },
    ];
    const view = fitView(route, 600, 300);
    for (const p of route) {
      const { x, y } = inView(view, p);
      expect(x).toBeGreaterThanOrEqual(24);
      expect(x).toBeLessThanOrEqual(576);
      expect(y).toBeGreaterThanOrEqual(24);
      expect(y).toBeLessThanOrEqual(276);
    }
    // One zoom closer would not hold it.
    const closer = { ...view, zoom: view.zoom + 1 };
    const xs = route.map((p) => worldPixel(p, closer.zoom).x);
    const ys = route.map((p) => worldPixel(p, closer.zoom).y);
    expect(Math.max(...xs) - Math.min(...xs) > 552 || Math.max(...ys) - Math.min(...ys) > 252).toBe(true);
    // A single point: the closest zoom there is.
    expect(fitView([route[0]!], 600, 300).zoom).toBe(17);
  });

  it('covers the view with tiles, and fills the owner’s template', () => {
    const view = fitView([{ latitude: 37.4925, longitude: -121.9447 }], 600, 300);
    const tiles = tilesOf(view);
    expect(tiles.length).toBeGreaterThanOrEqual(6); // 600 × 300 px needs at least 3 × 2 tiles of 256
    for (const t of tiles) {
      expect(t.left).toBeLessThan(600);
      expect(t.left + 256).toBeGreaterThan(0);
      expect(t.top).toBeLessThan(300);
      expect(t.top + 256).toBeGreaterThan(0);
    }
    expect(tileHref('https://tile.example.org/{z}/{x}/{y}.png?key=k', 3, 1, 2)).toBe('https://tile.example.org/3/1/2.png?key=k');
    expect(metresPerPixel(0, 0)).toBeCloseTo(156_543, 0);
  });
});
