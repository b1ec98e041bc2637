import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ApiDeps } from '../../shared/http/api-deps';
import { apiRoutes } from '../../shared/http/api-routes';
import { jsonErrors, requireApiToken } from '../../shared/http/middy-middleware';
import type { HttpResult } from '../../shared/http/responses';
import { createRouter } from '../../shared/http/router';
import { PUBLIC_ROUTES } from '../../shared/http/routes/system-routes';
import type { ApiTokenVerifier } from '../../shared/secrets/api-token-verifier';
import { DASHBOARD_PUBLIC_ROUTES, dashboardRoutes } from './dashboard-routes';

/** The HTTP API as one middy handler; the Lambda entry and the local host both serve exactly this. */
export function createApiHandler(deps: ApiDeps, verifier: ApiTokenVerifier) {
  return middy<APIGatewayProxyEventV2, HttpResult>()
    .use(jsonErrors(deps.log, deps.pairingUrl))
    .use(requireApiToken(verifier, new Set([...PUBLIC_ROUTES, ...DASHBOARD_PUBLIC_ROUTES])))
    .handler(createRouter([...apiRoutes(deps), ...dashboardRoutes(deps.mapTileUrl ?? null)]));
}

export type ApiHandler = ReturnType<typeof createApiHandler>;
