import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import { runCollectorPass, type CollectorDeps, type CollectorSummary } from '../../shared/domain/collector';
import {
  COLLECTOR_TIMEOUT_MS,
  outcomeChanged,
  runRecord,
  type CollectorHalt,
  type CollectorRunOutcome,
  type CollectorRunRecord,
  type CollectorRunStore,
} from '../../shared/domain/collector-run';
import { LoginRequiredError } from '../../shared/domain/fleet-errors';
import { RequestMeter } from '../../shared/domain/request-meter';
import { withFleetCallContext } from '../../shared/domain/fleet-call-context';
import { NoTokenError } from '../../shared/tokens/token-refresh';

/**
 * No Tesla request of a pass outlives this (wall clock), so a pass never stalls on a trickling answer and ends well
 * inside the collector function's 2-minute timeout; the next pass (and `POST /local/collect`) never waits longer.
 */
export const COLLECTOR_PASS_BUDGET_MS = 60_000;

/** Where a pass's figures go besides the log: CloudWatch metrics in AWS, nowhere locally. */
export interface CollectorSignals {
  passCompleted(summary: CollectorSummary): void;
}

/** Notifications after a pass (see CollectorNotices); they never fail or hold up the pass beyond their own budget. */
export interface PassNotices {
  afterPass(summary: CollectorSummary, now: number): Promise<void>;
  loginLost(now: number): Promise<void>;
}

export interface CollectorHandlerOptions {
  signals?: CollectorSignals;
  passBudgetMs?: number;
  notices?: PassNotices;
  /** The run lease that keeps runs from overlapping, and the record of the last run (`npm run doctor` reads it). */
  runs?: CollectorRunStore;
}

const OWNER_MUST_SIGN_IN: Record<'not_logged_in' | 'login_lost', string> = {
  not_logged_in: 'not logged in to Tesla yet: run npm run login -- --secret-id <TeslaTokenSecretArn>; nothing is collected until then',
  login_lost: 'the Tesla login is lost (login_required): sign in again with npm run login -- --secret-id <TeslaTokenSecretArn>',
};

/**
 * The scheduled collector: one pass per invocation, never two at once (a lease in the table). A pass that cannot
 * list the cars fails the invocation, except when only the owner can help (no login yet, or the login lost): that
 * ends the run normally, recorded as such, so a deployment waiting for its first login is one quiet state rather
 * than a failing function every minute.
 */
export function createCollectorHandler(deps: CollectorDeps, options: CollectorHandlerOptions = {}) {
  const { runs } = options;
  const pass = collectorPass(deps, options);
  return middy<unknown, CollectorSummary | CollectorHalt>().handler(async () => {
    const startedAt = deps.clock.now();
    const holder = randomUUID();
    const lease = runs ? await runs.takeRunLease(holder, startedAt, COLLECTOR_TIMEOUT_MS) : { acquired: true, previous: null };
    if (!lease.acquired) {
      deps.log.info('collector run skipped: another run is still going');
      return { halted: 'another_run', message: 'another collector run is still going' };
    }
    // Recording how the run ended never changes how it ended: if the write fails, the lease runs out by itself.
    const finish = async (outcome: CollectorRunOutcome, extra: Partial<CollectorRunRecord> = {}): Promise<void> => {
      if (!runs) return;
      await runs.finishRun(holder, runRecord(lease.previous, { startedAt, endedAt: deps.clock.now(), outcome, ...extra })).catch((error: unknown) => {
        deps.log.warn('collector run not recorded; its lease runs out by itself', { error: error instanceof Error ? error.name : 'unknown' });
      });
    };
    let summary: CollectorSummary;
    // The last run listed the cars if it ended well and saw any: their listed states were as recorded then.
    const last = lease.previous;
    const lastListedAt = last?.outcome === 'ok' && (last.vehiclesSeen ?? 0) > 0 ? last.startedAt : null;
    try {
      summary = await pass(lastListedAt);
    } catch (error) {
      const waiting = error instanceof NoTokenError ? 'not_logged_in' : error instanceof LoginRequiredError ? 'login_lost' : null;
      if (waiting === null) {
        await finish('failed', { detail: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : 'unknown error' });
        throw error;
      }
      // Said once, when the state begins; every later run records it quietly.
      if (outcomeChanged(lease.previous, waiting)) deps.log.warn(OWNER_MUST_SIGN_IN[waiting], { code: waiting });
      // The notice dedupes itself: one per loss.
      if (waiting === 'login_lost' && options.notices) await quietly(deps, () => options.notices!.loginLost(deps.clock.now()));
      await finish(waiting, { detail: OWNER_MUST_SIGN_IN[waiting] });
      return { halted: waiting, message: OWNER_MUST_SIGN_IN[waiting] };
    }
    await finish('ok', { vehiclesSeen: summary.vehiclesSeen, snapshotsWritten: summary.snapshotsWritten });
    return summary;
  });
}

/** One pass inside the pass budget (every Fleet request is cut off at it), with its signals, notices and log line. */
function collectorPass(deps: CollectorDeps, options: CollectorHandlerOptions): (lastListedAt: number | null) => Promise<CollectorSummary> {
  const { signals, passBudgetMs = COLLECTOR_PASS_BUDGET_MS, notices } = options;
  return async (lastListedAt: number | null) => {
    const meter = new RequestMeter();
    const context = {
      deadline: Date.now() + passBudgetMs,
      onRetriedAnswer: (category: Parameters<RequestMeter['record']>[0], scope: string) => meter.record(category, scope),
    };
    const summary = await withFleetCallContext(context, () => runCollectorPass({ ...deps, meter, lastListedAt }));
    signals?.passCompleted(summary);
    if (notices) await quietly(deps, () => notices.afterPass(summary, deps.clock.now()));
    deps.log.info('collector pass', {
      vehiclesSeen: summary.vehiclesSeen,
      snapshotsWritten: summary.snapshotsWritten,
      requests: summary.requests,
      vehicles: summary.vehicles.map(({ vin, state, decision, reason, budgetUsedPercent }) => ({ vin, state, decision, reason, budgetUsedPercent })),
    });
    return summary;
  };
}

function quietly(deps: CollectorDeps, step: () => Promise<void>): Promise<void> {
  return step().catch((error: unknown) => deps.log.warn('notifications failed', { error: error instanceof Error ? error.name : 'unknown' }));
}
