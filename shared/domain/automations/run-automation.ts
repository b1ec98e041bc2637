import type { Automation, AutomationRun, AutomationStore } from './automation';
import { checkConditions } from './conditions';
import { ABANDONED_CLAIM_MS } from '../commands/execute-command';
import { recordAudit } from '../commands/command-audit';
import type { CommandAuditEntry } from '../commands/command-ports';
import { sendCommand, type CommandOutcome, type SendCommandDeps } from '../commands/send-command';
import { INTERNAL_FAILURE } from '../failure';
import type { SnapshotStore } from '../stores';
import { sortableId } from '../sortable-id';

/** One due occurrence of an automation, as the scheduler delivers it (possibly more than once). */
export interface AutomationOccurrence {
  automationId: string;
  /** Names the occurrence: EventBridge Scheduler's scheduled time, or the local scheduler's wall time. */
  occurrence: string;
}

export interface AutomationRunnerDeps extends SendCommandDeps {
  snapshots: Pick<SnapshotStore, 'latestSnapshot'>;
  automationStore: AutomationStore;
  /** Told when an occurrence ends in anything but done or skipped. */
  automationFailed?(automation: Automation, run: AutomationRun): Promise<void>;
}

/**
 * Runs one occurrence through the same path as `POST /vehicles/{vin}/commands/{command}`: wake, signing, audit
 * (`source: automation`), usage. Each occurrence is claimed once, so a retried delivery never runs the command again
 * or writes a second audit row: it gets the first delivery's outcome. Conditions are judged on the latest stored
 * reading; a false one skips the occurrence with its reason in the audit log.
 */
export async function runAutomation(deps: AutomationRunnerDeps, due: AutomationOccurrence): Promise<AutomationRun> {
  const automation = await deps.automationStore.getAutomation(due.automationId);
  const now = deps.clock.now();
  if (automation === null) return { at: now, outcome: 'skipped', reason: 'deleted' };
  if (!automation.enabled) return { at: now, outcome: 'skipped', reason: 'disabled' };

  const key = `auto:${automation.id}:${due.occurrence}`.slice(0, 200);
  const occurrenceKey = `occurrence:${key}`;
  const claim = await deps.idempotency.claim(automation.vin, occurrenceKey, automation.id, now, ABANDONED_CLAIM_MS);
  if (claim.kind === 'replay') return storedRun(claim.value);
  if (claim.kind === 'in_progress') return { at: now, outcome: 'skipped', reason: 'already_running' };
  // `abandoned`: an earlier delivery died part-way. Going on is safe: the command's own key below never sends twice.

  const verdict = checkConditions(automation.conditions, await deps.snapshots.latestSnapshot(automation.vin), now);
  const run = verdict.ok ? await sendOccurrence(deps, automation, key, now) : await skipOccurrence(deps, automation, key, now, verdict.reason);
  await deps.idempotency.complete(automation.vin, occurrenceKey, run);
  await deps.automationStore.recordAutomationRun(automation.id, run);
  if (automation.schedule.kind === 'once') {
    // A one-off has had its occurrence: it stays listed with its outcome, disabled (unless deleted meanwhile).
    const current = await deps.automationStore.getAutomation(automation.id);
    if (current) await deps.automationStore.putAutomation({ ...current, enabled: false, lastRun: run, updatedAt: now });
  }
  if (run.outcome !== 'done' && run.outcome !== 'already_done' && run.outcome !== 'skipped')
    await deps.automationFailed?.(automation, run).catch(() => undefined);
  return run;
}

const callerOf = (automation: Automation): CommandAuditEntry['caller'] => ({
  sourceIp: 'scheduler',
  userAgent: 'automation',
  token: `automation:${automation.id}`,
});

/** The conditions did not hold: nothing is sent, and the audit log says why. */
async function skipOccurrence(deps: AutomationRunnerDeps, automation: Automation, key: string, now: number, reason: string): Promise<AutomationRun> {
  const { vin, command, body } = automation;
  const none = { latencyMs: 0, woke: false, transport: null, teslaStatus: null };
  await recordAudit(deps, {
    vin,
    id: sortableId(),
    at: now,
    command,
    body,
    outcome: 'skipped',
    reason,
    ...none,
    caller: callerOf(automation),
    source: 'automation',
    idempotencyKey: key,
  });
  return { at: now, outcome: 'skipped', reason };
}

/** Sends the command under the occurrence's own key, as the API would. */
async function sendOccurrence(deps: AutomationRunnerDeps, automation: Automation, key: string, now: number): Promise<AutomationRun> {
  const { vin, command, body } = automation;
  try {
    const answer = await sendCommand(deps, { vin, command, body, key, caller: callerOf(automation), source: 'automation' });
    if (answer.kind === 'outcome') return { at: now, ...outcomeOf(answer.outcome) };
    return { at: now, outcome: 'error', reason: answer.kind === 'key_in_use' ? 'request_in_progress' : 'idempotency_key_reused' };
  } catch {
    return { at: now, outcome: 'error', reason: INTERNAL_FAILURE.code }; // a bug; sendCommand released the key and wrote the audit row
  }
}

function outcomeOf(outcome: CommandOutcome): { outcome: string; reason: string } {
  if (outcome.kind === 'sent') return { outcome: outcome.outcome, reason: outcome.reason };
  if (outcome.kind === 'refused') return { outcome: 'failed', reason: 'command_failed' };
  return { outcome: 'error', reason: outcome.failure.code };
}

/** A run kept for an occurrence; versions before outcomes were kept wrapped it as an HTTP answer's body. */
function storedRun(value: unknown): AutomationRun {
  const kept = value as AutomationRun & { status?: number; body?: AutomationRun };
  return kept.body !== undefined && kept.status !== undefined ? kept.body : kept;
}
