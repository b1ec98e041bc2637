import { ALREADY_DONE_REASONS, COMMAND_SCHEMAS, isCommandName } from '../../domain/commands';
import { ApiError, badRequest } from '../api-error';
import type { ApiDeps } from '../api-deps';
import { jsonObjectBody, requireVin, validate } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';

/**
 * `POST /vehicles/{vin}/commands/{command}`. Everything about the request is checked before Tesla is called:
 * the VIN, that the command exists and is allowed, and its body against the command's schema.
 */
export function commandRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/vehicles/{vin}/commands/{command}',
      handle: async ({ params, event }) => {
        const vin = requireVin(params.vin);
        const command = params.command ?? '';
        if (!isCommandName(command)) throw badRequest('unknown_command', `unknown command '${command.slice(0, 64)}'`);
        if (!deps.allowedCommands.has(command)) {
          throw new ApiError(403, 'command_not_allowed', `the command '${command}' is not enabled for this deployment`);
        }
        const body = validate(COMMAND_SCHEMAS[command], jsonObjectBody(event), 'invalid_command_body');
        const started = deps.clock.now();

        if (command === 'wake_up') {
          const vehicle = await deps.fleet.wakeUp(vin);
          return json(200, { vin, command, outcome: 'done', state: vehicle.state, latencyMs: deps.clock.now() - started });
        }

        const { result, reason } = await deps.fleet.sendCommand(vin, command, body);
        const latencyMs = deps.clock.now() - started;
        deps.log.info('command sent', { vin, command, result, reason, latencyMs });
        if (result) return json(200, { vin, command, outcome: 'done', reason, latencyMs });
        if (ALREADY_DONE_REASONS.has(reason)) return json(200, { vin, command, outcome: 'already_done', reason, latencyMs });
        throw new ApiError(409, 'command_failed', `the car refused ${command}: ${reason || 'no reason given'}`);
      },
    },
  ];
}
