import { createHash } from 'node:crypto';
import type { CommandAuditEntry, StoredResponse } from '../domain/commands/command-ports';
import type { BillingCategory } from '../domain/fleet-api';
import { ABANDONED_CLAIM_MS, executeCommand, type CommandProgress } from '../domain/commands/execute-command';
import { CommandOutcomeUnknownError, FleetApiError } from '../domain/fleet-errors';
import { meteredFleetApi, RequestMeter } from '../domain/request-meter';
import { withFleetCallContext } from '../domain/fleet-call-context';
import { ApiError } from './api-error';
import type { ApiDeps } from './api-deps';
import { COMMAND_OUTCOME_UNKNOWN, errorToResponse } from './error-mapping';
import { errorBody, json, type HttpResult } from './responses';
import { sortableId } from '../domain/sortable-id';

/** A command that passed validation, from the API or an automation. */
export interface CommandRequest {
  vin: string;
  command: string;
  body: Record<string, unknown>;
  /** Retries with the same key never send the command twice. */
  key: string | null;
  caller: CommandAuditEntry['caller'];
  /** Who asked: a person through the API, or an automation's scheduled occurrence. */
  source?: CommandAuditEntry['source'];
}

/**
 * Sends one validated command under its Idempotency-Key: claims the key, wakes the car if needed, sends (signed or
 * REST), writes the audit row and the usage ledger, and stores the answer for replays. Errors are thrown as the API
 * maps them; a command that may have run is never released for a retry. The API route and the automation runner
 * both come here, so they cannot differ.
 */
export async function sendCommandRequest(deps: ApiDeps, request: CommandRequest): Promise<HttpResult> {
  const { vin, command, body, key, caller } = request;
  const source = request.source ?? 'api';
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
      await recordAudit(deps, { vin, id: sortableId(), at: started, command, body, outcome: 'error', reason: COMMAND_OUTCOME_UNKNOWN, latencyMs: 0, woke: false, transport: null, teslaStatus: null, caller, source, idempotencyKey: key });
      return response;
    }
    if (claim.kind === 'in_progress') throw new ApiError(409, 'request_in_progress', 'a request with this Idempotency-Key is still running');
    if (claim.kind === 'mismatch') throw new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was used for a different command or body');
  }

  const progress: CommandProgress = { woke: false, transport: null };
  const audit = (outcome: string, reason: string, teslaStatus: number | null): Promise<void> =>
    recordAudit(deps, { vin, id: sortableId(), at: started, command, body, outcome, reason, latencyMs: deps.clock.now() - started, woke: progress.woke, transport: progress.transport, teslaStatus, caller, source, idempotencyKey: key });

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
    const { response } = errorToResponse(error, deps.pairingUrl?.());
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
}

/** Tesla's HTTP status behind an error, when Tesla answered (0 means it did not). */
function teslaStatusOf(error: unknown): number | null {
  if (error instanceof CommandOutcomeUnknownError) return teslaStatusOf(error.cause);
  return error instanceof FleetApiError && error.status > 0 ? error.status : null;
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

export async function recordAudit(deps: ApiDeps, entry: CommandAuditEntry): Promise<void> {
  // One structured line per command; the body stays out (window_control carries coordinates).
  deps.log.info('command', { vin: entry.vin, command: entry.command, outcome: entry.outcome, reason: entry.reason, transport: entry.transport, woke: entry.woke, latencyMs: entry.latencyMs });
  try {
    await deps.audit.record(entry);
  } catch (error) {
    // The command happened; a lost audit line must not turn its answer into an error.
    deps.log.error('command audit write failed', { vin: entry.vin, command: entry.command, error: error instanceof Error ? error.name : 'unknown' });
  }
}
