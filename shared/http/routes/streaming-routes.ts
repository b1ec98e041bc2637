import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { runStreaming, type StreamingAction, type StreamingDeps, type StreamingOutcome } from '../../domain/telemetry/streaming-commands';
import { callerOf } from '../api-caller';
import type { ApiDeps } from '../api-deps';
import { ApiError } from '../api-error';
import { json, type HttpResult } from '../responses';
import type { Route } from '../router';

/**
 * Streaming with Fleet Telemetry, for the owner's token only (each call makes billed Tesla requests, two per car):
 * `GET /streaming` says how each car streams and what to do; `PUT /streaming` configures every car for the deployed
 * receiver; `DELETE /streaming` stops them.
 */
export function streamingRoutes(deps: ApiDeps): Route[] {
  const route = (method: Route['method'], action: StreamingAction): Route => ({
    method,
    path: '/streaming',
    handle: async ({ event }) => answer(await runStreaming(streamingOf(deps, event), action)),
  });
  return [route('GET', 'status'), route('PUT', 'configure'), route('DELETE', 'remove')];
}

function streamingOf(deps: ApiDeps, event: APIGatewayProxyEventV2): StreamingDeps {
  const caller = callerOf(event);
  if (caller.role !== 'owner')
    throw new ApiError(403, 'forbidden_for_token', `the read-only token '${caller.name}' may not use /streaming (each call is billed by Tesla)`);
  if (!deps.streaming) throw new ApiError(404, 'streaming_off', 'streaming is off: set telemetryHostName in deploy.config.json and deploy (docs/streaming.md)');
  return { ...deps.streaming, vehicles: deps.vehicles, usage: deps.usage, log: deps.log, now: () => deps.clock.now() };
}

function answer(outcome: StreamingOutcome): HttpResult {
  switch (outcome.kind) {
    case 'receiver_not_ready':
      throw new ApiError(
        409,
        'receiver_not_ready',
        'the receiver has not made its certificate yet: give its instance a few minutes after the deploy, then run npm run doctor',
      );
    case 'no_command_key':
      throw new ApiError(409, 'no_command_key', "the app's key signs the configuration: create it with npm run keys and pair it with each car first");
    case 'no_cars':
      throw new ApiError(409, 'no_cars', 'no car is known yet: the collector lists them once you are logged in');
    case 'invalid_receiver':
      throw new ApiError(409, 'invalid_receiver', outcome.message);
    case 'receiver_settings_unavailable':
      throw new ApiError(
        503,
        'receiver_settings_unavailable',
        'the receiver’s settings in SSM could not be reached, so no car was changed: try again in a minute',
      );
    case 'removed':
      return json(200, { cars: outcome.cars, note: 'Each car stops streaming to this app within about 25 minutes.' });
    case 'cars':
      return json(200, {
        receiver: { hostname: outcome.receiver.hostname, port: outcome.receiver.port },
        ok: outcome.cars.every((c) => c.ok),
        cars: outcome.cars,
        ...(outcome.action === 'configure' ? { note: 'A car takes the configuration when it is next online, up to about 25 minutes later.' } : {}),
      });
  }
}
