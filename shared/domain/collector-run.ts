import { MINUTE_MS } from './clock';

/**
 * The collector function's timeout, and so the longest a run can hold the run lease: Lambda ends a run at its
 * timeout, so a lease of that length outlives every run that took it, even one killed mid-pass.
 */
export const COLLECTOR_TIMEOUT_MS = 2 * MINUTE_MS;

/**
 * How a collector run ended, as `npm run doctor` and the owner read it. `not_logged_in` and `login_lost` are states
 * that only the owner can end (by signing in), so a run that finds one ends normally: no failed invocation, no
 * retry, no alarm every minute; the state is recorded once and the log says so when it changes.
 */
export type CollectorRunOutcome = 'ok' | 'not_logged_in' | 'login_lost' | 'failed';

export interface CollectorRunRecord {
  startedAt: number;
  endedAt: number;
  outcome: CollectorRunOutcome;
  /** What the owner should know: the error's name and message (never a token), or what to do. */
  detail?: string;
  vehiclesSeen?: number;
  snapshotsWritten?: number;
  /** When the outcome last changed (for "not logged in since …"). */
  since: number;
}

export interface LeaseTaken {
  acquired: boolean;
  /** How the last finished run ended, read in the same request that took the lease. */
  previous: CollectorRunRecord | null;
}

/**
 * One short lease item keeps scheduled runs from overlapping, instead of reserved concurrency (which a new account,
 * whose concurrency limit is 10, cannot grant: AWS keeps 10 unreserved). Taking it is a conditional write that
 * succeeds only when no unexpired lease is held; finishing a run frees it and records how the run ended.
 */
export interface CollectorRunStore {
  takeRunLease(holder: string, now: number, leaseMs: number): Promise<LeaseTaken>;
  /** Frees the lease if `holder` still has it, and records the run; a lease taken over since is left alone. */
  finishRun(holder: string, record: CollectorRunRecord): Promise<void>;
  lastRun(): Promise<CollectorRunRecord | null>;
}

/** What a run that did no pass returns: another run held the lease, or only the owner can go on (sign in). */
export interface CollectorHalt {
  halted: 'another_run' | 'not_logged_in' | 'login_lost';
  message: string;
}

/** The record of a run that just ended, carrying `since` over while the outcome stays the same. */
export function runRecord(previous: CollectorRunRecord | null, run: Omit<CollectorRunRecord, 'since'>): CollectorRunRecord {
  const since = previous && previous.outcome === run.outcome ? previous.since : run.startedAt;
  return { ...run, since };
}

/** Whether the outcome differs from the last run's: only then is an owner-action state logged as a warning. */
export function outcomeChanged(previous: CollectorRunRecord | null, outcome: CollectorRunOutcome): boolean {
  return previous?.outcome !== outcome;
}
