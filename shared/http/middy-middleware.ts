import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Log } from '../domain/stores';
import { bearerToken, type ApiTokenVerifier } from '../secrets/api-token-verifier';
import { ApiError } from './api-error';
import { readOnlyMayUse, setCaller } from './api-caller';
import { errorToResponse } from './error-mapping';
import type { HttpResult } from './responses';
import { sourceMappedStack } from '../source-mapped-stack';

type Middleware = MiddlewareObj<APIGatewayProxyEventV2, HttpResult>;

/**
 * Checks the API token before anything else runs; public routes (e.g. `GET /health`) pass without one. A read-only
 * token may only read: anything else is `403 forbidden_for_token`, before the request is even validated.
 */
export function requireApiToken(verifier: ApiTokenVerifier, publicRoutes: ReadonlySet<string>): Middleware {
  return {
    before: async ({ event }) => {
      if (publicRoutes.has(`${event.requestContext.http.method.toUpperCase()} ${event.rawPath}`)) return;
      const caller = await verifier.verify(bearerToken(event.headers.authorization ?? event.headers.Authorization));
      if (caller === null) {
        throw new ApiError(401, 'unauthorized', 'missing or wrong API token: send Authorization: Bearer <API token>', {
          'www-authenticate': 'Bearer',
        });
      }
      if (caller.role === 'read' && !readOnlyMayUse(event.requestContext.http.method.toUpperCase())) {
        throw new ApiError(403, 'forbidden_for_token', `the read-only token '${caller.name}' may only read (GET); commands and edits need the owner's token`);
      }
      setCaller(event, caller);
    },
  };
}

/** Turns any error into a JSON response; unexpected ones are logged (name and stack, no request data) and hidden. */
export function jsonErrors(log: Log, pairingUrl?: () => string | null): Middleware {
  return {
    onError: (request) => {
      const { response, expected } = errorToResponse(request.error, pairingUrl?.());
      if (!expected) {
        const error = request.error;
        const stack = error?.stack?.split('\n').slice(0, 8).join('\n');
        log.error('unhandled error', { name: error?.name, stack: stack === undefined ? undefined : sourceMappedStack(stack) });
      }
      request.response = response;
    },
  };
}
