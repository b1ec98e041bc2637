import type { Log, UsageLedger } from '../stores';
import type { RequestMeter } from '../request-meter';
import type { CommandAuditEntry, CommandAuditLog } from './command-ports';

/** Writes one audit row, and one structured log line; a lost row never turns the command's answer into an error. */
export async function recordAudit(deps: { audit: CommandAuditLog; log: Log }, entry: CommandAuditEntry): Promise<void> {
  // The body stays out of the log (window_control carries coordinates).
  deps.log.info('command', {
    vin: entry.vin,
    command: entry.command,
    outcome: entry.outcome,
    reason: entry.reason,
    transport: entry.transport,
    woke: entry.woke,
    latencyMs: entry.latencyMs,
  });
  try {
    await deps.audit.record(entry);
  } catch (error) {
    deps.log.error('command audit write failed', { vin: entry.vin, command: entry.command, error: error instanceof Error ? error.name : 'unknown' });
  }
}

/** Adds what a command's Fleet requests cost to the usage ledger; as with the audit row, a failed write is logged. */
export async function recordUsage(deps: { usage: UsageLedger; log: Log }, meter: RequestMeter, at: number): Promise<void> {
  try {
    await meter.saveTo(deps.usage, at);
  } catch (error) {
    deps.log.error('usage ledger write failed', { counts: meter.counts, error: error instanceof Error ? error.name : 'unknown' });
  }
}
