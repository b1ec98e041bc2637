import { lazily } from '../../shared/domain/lazily';
import type { Route } from '../../shared/http/router';
import type * as DashboardAssets from './dashboard/generated/assets';

/** The page may load only its own script, style and data: no inline code, no third parties, no framing. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

type Assets = typeof DashboardAssets;

/** The page's files (about 200 KiB) load on its first request: a cold start for an API call need not parse them. */
const assets: () => Promise<Assets> = lazily(() => import('./dashboard/generated/assets'));

const asset = (pick: (a: Assets) => string, type: string) => async () => ({
  statusCode: 200,
  headers: { 'content-type': `${type}; charset=utf-8`, 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-cache' },
  body: pick(await assets()),
});

/** The static dashboard. Public like /health: it holds no data; everything it shows needs the API token. */
export function dashboardRoutes(): Route[] {
  return [
    { method: 'GET', path: '/', handle: asset((a) => a.DASHBOARD_HTML, 'text/html') },
    { method: 'GET', path: '/dashboard.js', handle: asset((a) => a.DASHBOARD_JS, 'text/javascript') },
    { method: 'GET', path: '/dashboard.css', handle: asset((a) => a.DASHBOARD_CSS, 'text/css') },
  ];
}

export const DASHBOARD_PUBLIC_ROUTES = ['GET /', 'GET /dashboard.js', 'GET /dashboard.css'];
