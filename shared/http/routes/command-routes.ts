import { createHash } from 'node:crypto';
import { sortableId } from '../sortable-id';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import type { CommandAuditEntry, StoredResponse } from '../../domain/command-ports';
import type { BillingCategory } from '../../domain/fleet-api';
import { ABANDONED_CLAIM_MS, executeCommand, type CommandProgress } from '../../domain/command-service';
import { CommandOutcomeUnknownError, FleetApiError } from '../../domain/fleet-errors';
import { withFleetCallContext } from '../../tesla/fleet-call-context';
import { meteredFleetApi, RequestMeter } from '../../domain/request-meter';
import { COMMAND_SCHEMAS, isCommandName } from '../../domain/commands';
import { ApiError, badRequest } from '../api-error';
import { callerOf } from '../api-caller';
import type { ApiDeps } from '../api-deps';
import { COMMAND_OUTCOME_UNKNOWN, errorToResponse } from '../error-mapping';
import { jsonObjectBody, requireVin, validate } from '../request-input';
import { errorBody, json, type HttpResult } from '../responses';
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
        const body = validate(COMMAND_SCHEMAS[command], jsonObjectBody(event), 'invalid_command_body') as Record<string, unknown>;
        const key = event.headers['idempotency-key'] ?? null;
        if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
          throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be 1–128 letters, digits or _ . : -');
        }

        const started = deps.clock.now();
        if (key !== null) {
          const fingerprint = createHash('sha256').update(JSON.stringify([command, body])).digest('hex');
          const claim = await deps.idempotency.claim(vin, key, fingerprint, started, ABANDONED_CLAIM_MS);
          if (claim.kind === 'replay') return json(claim.response.status, claim.response.body, { 'idempotent-replayed': 'true' });
          if (claim.kind === 'abandoned') {
            // The first request died while it held the key (a killed process): it may have sent the command. That is
            // the answer from now on; the command is never sent again under this key.
            const { response } = errorToResponse(new CommandOutcomeUnknownError(vin, command));
            await deps.idempotency.complete(vin, key, stored(response));
            await recordAudit(deps, { vin, id: sortableId(), at: started, command, body, outcome: 'error', reason: COMMAND_OUTCOME_UNKNOWN, latencyMs: 0, woke: false, transport: null, teslaStatus: null, caller: auditCaller(event), idempotencyKey: key });
            return response;
          }
          if (claim.kind === 'in_progress') throw new ApiError(409, 'request_in_progress', 'a request with this Idempotency-Key is still running');
          if (claim.kind === 'mismatch') throw new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was used for a different command or body');
        }

        const progress: CommandProgress = { woke: false, transport: null };
        const audit = (outcome: string, reason: string, teslaStatus: number | null): Promise<void> =>
          recordAudit(deps, { vin, id: sortableId(), at: started, command, body, outcome, reason, latencyMs: deps.clock.now() - started, woke: progress.woke, transport: progress.transport, teslaStatus, caller: auditCaller(event), idempotencyKey: key });

        // Every Fleet request the command makes (state, wake, fleet_status, command) goes into the usage ledger,
        // including answers the client retried by itself (a 401 before a token renewal, a 421 before a region move).
        const meter = new RequestMeter();
        const commandDeps = { ...deps, fleet: meteredFleetApi(deps.fleet, meter) };
        // No Tesla request outlives the command's budget (wall clock), so the function is never killed holding the key.
        const context = { deadline: Date.now() + deps.commandTimeoutMs, onRetriedAnswer: (category: BillingCategory, scope: string) => meter.record(category, scope) };
        try {
          const request = { vin, command, body, deadline: started + deps.commandTimeoutMs };
          const result = await withFleetCallContext(context, () => executeCommand(commandDeps, request, progress));
          await audit(result.outcome === 'refused' ? 'failed' : result.outcome, result.reason, 200);
          if (result.outcome === 'refused') deps.commandFailed?.('command_failed');
          const response: HttpResult =
            result.outcome === 'refused'
              ? json(409, errorBody('command_failed', `the car refused ${command}: ${result.reason || 'no reason given'}`))
              : json(200, { vin, command, outcome: result.outcome, reason: result.reason, woke: result.woke, transport: result.transport, latencyMs: deps.clock.now() - started, ...(result.state ? { state: result.state } : {}) });
          if (key !== null) await deps.idempotency.complete(vin, key, stored(response));
          return response;
        } catch (error) {
          const { response } = errorToResponse(error);
          const code = codeOf(response);
          await audit('error', code, teslaStatusOf(error));
          deps.commandFailed?.(code);
          if (key !== null) {
            // A failure worth retrying (asleep, rate limited, Tesla down before the command went out) frees the key;
            // anything else is final, including a command sent without an answer: it may have run.
            const status = response.statusCode ?? 500;
            if ((status >= 500 && code !== COMMAND_OUTCOME_UNKNOWN) || status === 429) await deps.idempotency.release(vin, key);
            else await deps.idempotency.complete(vin, key, stored(response));
          }
          throw error;
        } finally {
          await recordUsage(deps, meter, started);
        }
      },
    },
    {
      method: 'GET',
      path: '/vehicles/{vin}/commands',
      handle: async ({ params, query }) => {
        const vin = requireVin(params.vin);
        const q = validate(auditQuery, query, 'invalid_query');
        const page = await deps.audit.list(vin, { limit: q.limit, cursor: q.cursor ?? null });
        return json(200, { vin, commands: page.items.map((e) => ({ ...e, at: new Date(e.at).toISOString() })), nextCursor: page.cursor });
      },
    },
  ];
}

export const auditQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(512).optional() });

/** Tesla's HTTP status behind an error, when Tesla answered (0 means it did not). */
function teslaStatusOf(error: unknown): number | null {
  if (error instanceof CommandOutcomeUnknownError) return teslaStatusOf(error.cause);
  return error instanceof FleetApiError && error.status > 0 ? error.status : null;
}

function auditCaller(event: APIGatewayProxyEventV2): CommandAuditEntry['caller'] {
  return { sourceIp: event.requestContext.http.sourceIp, userAgent: (event.headers['user-agent'] ?? '').slice(0, 200), token: callerOf(event).name };
}

function stored(response: HttpResult): StoredResponse {
  return { status: response.statusCode ?? 200, body: JSON.parse(response.body ?? 'null') as unknown };
}

function codeOf(response: HttpResult): string {
  return (JSON.parse(response.body ?? '{}') as { error?: { code?: string } }).error?.code ?? 'error';
}

async function recordUsage(deps: ApiDeps, meter: RequestMeter, at: number): Promise<void> {
  try {
    await meter.saveTo(deps.usage, at);
  } catch (error) {
    // As with the audit line: the command's answer stands; the gap is logged.
    deps.log.error('usage ledger write failed', { counts: meter.counts, error: error instanceof Error ? error.name : 'unknown' });
  }
}

async function recordAudit(deps: ApiDeps, entry: CommandAuditEntry): Promise<void> {
  // One structured line per command; the body stays out (window_control carries coordinates).
  deps.log.info('command', { vin: entry.vin, command: entry.command, outcome: entry.outcome, reason: entry.reason, transport: entry.transport, woke: entry.woke, latencyMs: entry.latencyMs });
  try {
    await deps.audit.record(entry);
  } catch (error) {
    // The command happened; a lost audit line must not turn its answer into an error.
    deps.log.error('command audit write failed', { vin: entry.vin, command: entry.command, error: error instanceof Error ? error.name : 'unknown' });
  }
}
