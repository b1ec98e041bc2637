import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ApiDeps } from '../../shared/http/api-deps';
import { jsonErrors, requireApiToken } from '../../shared/http/middy-middleware';
import type { HttpResult } from '../../shared/http/responses';
import { createRouter } from '../../shared/http/router';
import { commandRoutes } from '../../shared/http/routes/command-routes';
import { odometerRoutes } from '../../shared/http/routes/odometer-routes';
import { PUBLIC_ROUTES, systemRoutes } from '../../shared/http/routes/system-routes';
import { usageRoutes } from '../../shared/http/routes/usage-routes';
import { vehicleRoutes } from '../../shared/http/routes/vehicle-routes';
import type { ApiTokenVerifier } from '../../shared/secrets/api-token-verifier';

/** The HTTP API as one middy handler; the Lambda entry and the local host both serve exactly this. */
export function createApiHandler(deps: ApiDeps, verifier: ApiTokenVerifier) {
  const route = createRouter([...systemRoutes(deps), ...vehicleRoutes(deps), ...odometerRoutes(deps), ...usageRoutes(deps), ...commandRoutes(deps)]);
  return middy<APIGatewayProxyEventV2, HttpResult>()
    .use(jsonErrors(deps.log))
    .use(requireApiToken(verifier, PUBLIC_ROUTES))
    .handler(route);
}

export type ApiHandler = ReturnType<typeof createApiHandler>;
