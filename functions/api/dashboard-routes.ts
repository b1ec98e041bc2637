import { lazily } from '../../shared/domain/lazily';
import { tileOrigin } from '../../shared/config/tile-url';
import type { Route } from '../../shared/http/router';
import type * as DashboardAssets from './dashboard/generated/assets';

/**
 * The page may load only its own script, style and data: no inline code, no third parties, no framing. The one
 * exception is the map tiles' host, when the owner sets MAP_TILE_URL: images from it, nothing else.
 */
export const contentSecurityPolicy = (tileUrl: string | null): string =>
  `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:${tileUrl ? ` ${tileOrigin(tileUrl)}` : ''}; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

/** The page's icon (a browser asks for /favicon.ico on every load; unanswered, that was a 401 in the console). */
const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#1f2937"/><path d="M14 38c0-6 4-10 10-12l6-8h10l8 8c5 1 8 5 8 10v4h-6a6 6 0 0 1-12 0H26a6 6 0 0 1-12 0z" fill="#f9fafb"/></svg>';

/** What a phone needs to add the dashboard to its home screen. */
const MANIFEST = JSON.stringify({
  name: 'Tesla Fleet logger',
  short_name: 'Tesla log',
  start_url: '/',
  display: 'standalone',
  background_color: '#f3f4f6',
  theme_color: '#1f2937',
  icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' }],
});

const fixed = (body: string, type: string) => () =>
  Promise.resolve({ statusCode: 200, headers: { 'content-type': type, 'x-content-type-options': 'nosniff', 'cache-control': 'public, max-age=86400' }, body });

type Assets = typeof DashboardAssets;

/** The page's files (about 200 KiB) load on its first request: a cold start for an API call need not parse them. */
const assets: () => Promise<Assets> = lazily(() => import('./dashboard/generated/assets'));

const asset = (pick: (a: Assets) => string, type: string, csp: string) => async () => ({
  statusCode: 200,
  headers: {
    'content-type': `${type}; charset=utf-8`,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  },
  body: pick(await assets()),
});

/** The static dashboard. Public like /health: it holds no data; everything it shows needs the API token. */
export function dashboardRoutes(tileUrl: string | null = null): Route[] {
  const csp = contentSecurityPolicy(tileUrl);
  return [
    { method: 'GET', path: '/', handle: asset((a) => a.DASHBOARD_HTML, 'text/html', csp) },
    { method: 'GET', path: '/dashboard.js', handle: asset((a) => a.DASHBOARD_JS, 'text/javascript', csp) },
    { method: 'GET', path: '/dashboard.css', handle: asset((a) => a.DASHBOARD_CSS, 'text/css', csp) },
    { method: 'GET', path: '/icon.svg', handle: fixed(ICON_SVG, 'image/svg+xml') },
    { method: 'GET', path: '/favicon.ico', handle: fixed(ICON_SVG, 'image/svg+xml') },
    { method: 'GET', path: '/manifest.webmanifest', handle: fixed(MANIFEST, 'application/manifest+json') },
  ];
}

export const DASHBOARD_PUBLIC_ROUTES = ['GET /', 'GET /dashboard.js', 'GET /dashboard.css', 'GET /icon.svg', 'GET /favicon.ico', 'GET /manifest.webmanifest'];
