import type { ApiDeps } from '../api-deps';
import { openApiDocument } from '../openapi';
import { json } from '../responses';
import type { Route } from '../router';

export function systemRoutes(deps: ApiDeps): Route[] {
  const document = openApiDocument(deps.allowedCommands);
  const routes: Route[] = [
    { method: 'GET', path: '/health', handle: () => Promise.resolve(json(200, { status: 'ok' })) },
    { method: 'GET', path: '/openapi.json', handle: () => Promise.resolve(json(200, document)) },
  ];
  const collectNow = deps.collectNow;
  if (collectNow) {
    routes.push({ method: 'POST', path: '/local/collect', handle: async () => json(200, await collectNow()) });
  }
  return routes;
}

/** Routes anyone may call without the API token. */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['GET /health']);
