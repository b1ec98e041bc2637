import { PUBLIC_KEY_WELL_KNOWN_PATH as PUBLIC_KEY_PATH } from '../../tesla/app-domain';
import { lazily } from '../../domain/lazily';
import type { ApiDeps } from '../api-deps';
import { ApiError } from '../api-error';
import { json } from '../responses';
import { callerOf } from '../api-caller';
import type { Route } from '../router';

export function systemRoutes(deps: ApiDeps): Route[] {
  // Loaded and built on first request, not at a cold start: the module (with zod's JSON Schema converter) is a chunk
  // of its own in the Lambda bundle, and turning the schemas into JSON Schema takes a few milliseconds.
  const document = lazily(() => import('../openapi').then((m) => m.openApiDocument(deps.allowedCommands)));
  const routes: Route[] = [
    { method: 'GET', path: '/health', handle: () => Promise.resolve(json(200, { status: 'ok' })) },
    { method: 'GET', path: '/openapi.json', handle: async () => json(200, await document()) },
    // Which token this is: a page shows a read-only token no control it may not use.
    { method: 'GET', path: '/me', handle: ({ event }) => Promise.resolve(json(200, { role: callerOf(event).role, name: callerOf(event).name })) },
    {
      method: 'GET',
      path: PUBLIC_KEY_PATH,
      handle: async () => {
        const key = (await deps.commandKey?.()) ?? null;
        if (key === null) throw new ApiError(404, 'no_command_key', 'no vehicle command key yet: run `npm run keys`');
        return { statusCode: 200, headers: { 'content-type': 'application/x-pem-file', 'cache-control': 'max-age=300' }, body: key.publicKeyPem };
      },
    },
  ];
  const collectNow = deps.collectNow;
  if (collectNow) {
    routes.push({ method: 'POST', path: '/local/collect', handle: async () => json(200, await collectNow()) });
  }
  return routes;
}

/** Routes anyone may call without the API token. */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['GET /health', 'GET /openapi.json', `GET ${PUBLIC_KEY_PATH}`]);
