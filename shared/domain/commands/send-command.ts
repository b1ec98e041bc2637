import { createHash } from 'node:crypto';
import { describeFailure, FAILURE_CODES, GENERIC_PAIRING_URL, INTERNAL_FAILURE, type Failure, type FailureCode } from '../failure';
import type { BillingCategory } from '../fleet-api';
import { CommandOutcomeUnknownError, FleetApiError } from '../fleet-errors';
import { withFleetCallContext } from '../fleet-call-context';
import { meteredFleetApi, RequestMeter } from '../request-meter';
import { sortableId } from '../sortable-id';
import type { Log, UsageLedger } from '../stores';
import { recordAudit, recordUsage } from './command-audit';
import type { CommandAuditEntry, CommandAuditLog, IdempotencyStore } from './command-ports';
import { ABANDONED_CLAIM_MS, executeCommand, type CommandProgress, type CommandResultSummary, type CommandServiceDeps } from './execute-command';

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

/** What became of a command; kept under its Idempotency-Key and given again to every retry. */
export type CommandOutcome =
  | {
      kind: 'sent';
      vin: string;
      command: string;
      outcome: 'done' | 'already_done';
      reason: string;
      woke: boolean;
      transport: 'signed' | 'rest';
      latencyMs: number;
      state?: string;
    }
  | { kind: 'refused'; vin: string; command: string; reason: string }
  | { kind: 'failed'; failure: Failure };

/** The answer to one request: an outcome (perhaps the one kept for its key), or why the key could not be used now. */
export type CommandAnswer = { kind: 'outcome'; outcome: CommandOutcome; replayed: boolean } | { kind: 'key_in_use' } | { kind: 'key_reused' };

export interface SendCommandDeps extends CommandServiceDeps {
  idempotency: IdempotencyStore;
  audit: CommandAuditLog;
  usage: UsageLedger;
  log: Log;
  /** How long a command request may take, waking included. */
  commandTimeoutMs: number;
  /** Told of every command that did not succeed (a metric in AWS). */
  commandFailed?(code: string): void;
  /** Where the owner pairs this deployment's command key, once known. */
  pairingUrl?: () => string | null;
}

/**
 * Sends one validated command under its Idempotency-Key: claims the key, wakes the car if needed, sends (signed or
 * REST), writes the audit row and the usage ledger, and keeps the outcome for retries. A command that may have run
 * is never released for a retry. The API route and the automation runner both come here, so they cannot differ.
 * An error nobody foresaw (a bug) is thrown after the key is released and the audit row written.
 */
export async function sendCommand(deps: SendCommandDeps, request: CommandRequest): Promise<CommandAnswer> {
  const { vin, command, body, key } = request;
  const started = deps.clock.now();
  const auditRow = auditRowOf(request, started);
  if (key !== null) {
    const early = await claimKey(deps, request, started, auditRow);
    if (early !== null) return early;
  }
  const progress: CommandProgress = { woke: false, transport: null };
  const audit = (outcome: string, reason: string, teslaStatus: number | null): Promise<void> =>
    recordAudit(deps, auditRow(outcome, reason, { latencyMs: deps.clock.now() - started, woke: progress.woke, transport: progress.transport, teslaStatus }));
  // Every Fleet request the command makes (state, wake, fleet_status, command) goes into the usage ledger,
  // including answers the client retried by itself (a 401 before a token renewal, a 421 before a region move).
  const meter = new RequestMeter();
  const commandDeps = { ...deps, fleet: meteredFleetApi(deps.fleet, meter) };
  // No Tesla request outlives the command's budget (wall clock), so the function is never killed holding the key.
  const context = {
    deadline: Date.now() + deps.commandTimeoutMs,
    onRetriedAnswer: (category: BillingCategory, scope: string) => meter.record(category, scope),
  };
  try {
    let outcome: CommandOutcome;
    try {
      const result = await withFleetCallContext(context, () =>
        executeCommand(commandDeps, { vin, command, body, deadline: started + deps.commandTimeoutMs }, progress),
      );
      await audit(result.outcome === 'refused' ? 'failed' : result.outcome, result.reason, 200);
      if (result.outcome === 'refused') deps.commandFailed?.('command_failed');
      outcome = outcomeOf(request, result, deps.clock.now() - started);
    } catch (error) {
      const failure = await settleFailure(deps, request, error, audit);
      return { kind: 'outcome', outcome: { kind: 'failed', failure }, replayed: false };
    }
    if (key !== null) await deps.idempotency.complete(vin, key, outcome);
    return { kind: 'outcome', outcome, replayed: false };
  } finally {
    await recordUsage(deps, meter, started);
  }
}

type AuditRow = (outcome: string, reason: string, extra: Pick<CommandAuditEntry, 'latencyMs' | 'woke' | 'transport' | 'teslaStatus'>) => CommandAuditEntry;

function auditRowOf(request: CommandRequest, started: number): AuditRow {
  const { vin, command, body, key, caller } = request;
  const source = request.source ?? 'api';
  return (outcome, reason, extra) => ({ vin, id: sortableId(), at: started, command, body, outcome, reason, ...extra, caller, source, idempotencyKey: key });
}

/** Claims the request's key: null when this request may send, else the answer it gets instead. */
async function claimKey(deps: SendCommandDeps, request: CommandRequest, started: number, auditRow: AuditRow): Promise<CommandAnswer | null> {
  const { vin, command, body } = request;
  const key = request.key!;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([command, body]))
    .digest('hex');
  const claim = await deps.idempotency.claim(vin, key, fingerprint, started, ABANDONED_CLAIM_MS);
  if (claim.kind === 'replay') return { kind: 'outcome', outcome: storedOutcome(claim.value, vin), replayed: true };
  if (claim.kind === 'abandoned') {
    // The first request died while it held the key (a killed process): it may have sent the command. That is
    // the answer from now on; the command is never sent again under this key.
    const outcome: CommandOutcome = { kind: 'failed', failure: new CommandOutcomeUnknownError(vin, command).failure() };
    await deps.idempotency.complete(vin, key, outcome);
    await recordAudit(deps, auditRow('error', outcome.failure.code, { latencyMs: 0, woke: false, transport: null, teslaStatus: null }));
    return { kind: 'outcome', outcome, replayed: false };
  }
  if (claim.kind === 'in_progress') return { kind: 'key_in_use' };
  if (claim.kind === 'mismatch') return { kind: 'key_reused' };
  return null;
}

function outcomeOf(request: CommandRequest, result: CommandResultSummary, latencyMs: number): CommandOutcome {
  const { vin, command } = request;
  if (result.outcome === 'refused') return { kind: 'refused', vin, command, reason: result.reason };
  const { outcome, reason, woke, transport } = result;
  return { kind: 'sent', vin, command, outcome, reason, woke, transport, latencyMs, ...(result.state ? { state: result.state } : {}) };
}

/**
 * A command that ended in an error: audited and counted. A failure worth retrying (asleep, rate limited, Tesla down
 * before the command went out, or a bug) frees the key; anything else is final, including a command sent without an
 * answer: it may have run. An error nobody foresaw is thrown again once the key is free.
 */
async function settleFailure(
  deps: SendCommandDeps,
  request: CommandRequest,
  error: unknown,
  audit: (outcome: string, reason: string, teslaStatus: number | null) => Promise<void>,
): Promise<Failure> {
  const { vin, key } = request;
  const failure = describeFailure(error, { pairingUrl: deps.pairingUrl?.() ?? GENERIC_PAIRING_URL });
  const { code } = failure ?? INTERNAL_FAILURE;
  await audit('error', code, teslaStatusOf(error));
  deps.commandFailed?.(code);
  const retryable = FAILURE_CODES[code].retryable;
  if (key !== null && retryable) await deps.idempotency.release(vin, key);
  if (failure === null) throw error;
  if (key !== null && !retryable) await deps.idempotency.complete(vin, key, { kind: 'failed', failure });
  return failure;
}

/** Tesla's HTTP status behind an error, when Tesla answered (0 means it did not). */
function teslaStatusOf(error: unknown): number | null {
  if (error instanceof CommandOutcomeUnknownError) return teslaStatusOf(error.cause);
  return error instanceof FleetApiError && error.status > 0 ? error.status : null;
}

/**
 * An outcome kept under a key. Versions before outcomes were kept stored the HTTP answer (`{status, body}`); keys
 * live a day, so one may still be replayed after an upgrade: it is read back as the outcome it was.
 */
function storedOutcome(value: unknown, vin: string): CommandOutcome {
  const kept = value as Partial<CommandOutcome> & { status?: number; body?: Record<string, unknown> & { error?: { code?: string; message?: string } } };
  if (kept.kind === 'sent' || kept.kind === 'refused' || kept.kind === 'failed') return kept as CommandOutcome;
  const answer = kept.body ?? {};
  if ((kept.status ?? 500) < 300) return { kind: 'sent', ...(answer as Omit<Extract<CommandOutcome, { kind: 'sent' }>, 'kind'>) };
  const message = answer.error?.message ?? 'the command failed';
  if (answer.error?.code === 'command_failed') {
    const [, name = '', reason = ''] = /^the car refused ([^:]+): (.*)$/.exec(message) ?? [];
    return { kind: 'refused', vin, command: name, reason: reason === 'no reason given' ? '' : reason };
  }
  const code = answer.error?.code && answer.error.code in FAILURE_CODES ? (answer.error.code as FailureCode) : 'command_outcome_unknown';
  return { kind: 'failed', failure: { code, message } };
}
