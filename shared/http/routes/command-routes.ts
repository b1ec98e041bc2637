import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import { lazily } from '../../domain/lazily';
import type { CommandAuditEntry } from '../../domain/commands/command-ports';
import { commandSchema, isCommandName } from '../../domain/commands/catalogue';
import { ApiError, badRequest } from '../api-error';
import { callerOf } from '../api-caller';
import type { ApiDeps } from '../api-deps';
import { sendCommand } from '../../domain/commands/send-command';
import { commandResponse } from '../command-response';
import { jsonObjectBody, requireVin, validate } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * `POST /vehicles/{vin}/commands/{command}`. Everything about the request is checked before Tesla is called: the
 * VIN, that the command exists and is allowed, its body against the command's schema, and the Idempotency-Key.
 * A sleeping car is woken first. Every command that reaches Tesla is written to the audit log.
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
        const body = validate(commandSchema(command), jsonObjectBody(event), 'invalid_command_body');
        const key = event.headers['idempotency-key'] ?? null;
        if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
          throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be 1–128 letters, digits or _ . : -');
        }

        return commandResponse(await sendCommand(deps, { vin, command, body, key, caller: auditCaller(event) }));
      },
    },
    {
      method: 'GET',
      path: '/vehicles/{vin}/commands',
      handle: async ({ params, query }) => {
        const vin = requireVin(params.vin);
        const q = validate(auditQuery(), query, 'invalid_query');
        const page = await deps.audit.list(vin, { limit: q.limit, cursor: q.cursor ?? null });
        return json(200, { vin, commands: page.items.map((e) => ({ ...e, at: new Date(e.at).toISOString() })), nextCursor: page.cursor });
      },
    },
  ];
}

export const auditQuery = lazily(() => z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(512).optional() }));

function auditCaller(event: APIGatewayProxyEventV2): CommandAuditEntry['caller'] {
  return { sourceIp: event.requestContext.http.sourceIp, userAgent: (event.headers['user-agent'] ?? '').slice(0, 200), token: callerOf(event).name };
}
