import type { ApiDeps } from '../api-deps';
import { json } from '../responses';
import type { Route } from '../router';

export function systemRoutes(deps: ApiDeps): Route[] {
  const routes: Route[] = [{ method: 'GET', path: '/health', handle: () => Promise.resolve(json(200, { status: 'ok' })) }];
  const collectNow = deps.collectNow;
  if (collectNow) {
    routes.push({ method: 'POST', path: '/local/collect', handle: async () => json(200, await collectNow()) });
  }
  return routes;
}

/** Routes anyone may call without the API token. */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['GET /health']);
