import middy from '@middy/core';
import { runCollectorPass, type CollectorDeps, type CollectorSummary } from '../../shared/domain/collector';
import { LoginRequiredError } from '../../shared/domain/fleet-errors';
import { RequestMeter } from '../../shared/domain/request-meter';
import { withFleetCallContext } from '../../shared/tesla/fleet-call-context';

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

const NO_SIGNALS: CollectorSignals = { passCompleted: () => undefined };

/** The scheduled collector: one pass per invocation. Failing to list the cars fails the invocation (and is retried). */
export function createCollectorHandler(deps: CollectorDeps, signals: CollectorSignals = NO_SIGNALS, passBudgetMs = COLLECTOR_PASS_BUDGET_MS, notices?: PassNotices) {
  const quietly = (step: () => Promise<void>): Promise<void> => step().catch((error: unknown) => deps.log.warn('notifications failed', { error: error instanceof Error ? error.name : 'unknown' }));
  return middy<unknown, CollectorSummary>().handler(async () => {
    const meter = new RequestMeter();
    const context = { deadline: Date.now() + passBudgetMs, onRetriedAnswer: (category: Parameters<RequestMeter['record']>[0], scope: string) => meter.record(category, scope) };
    let summary: CollectorSummary;
    try {
      summary = await withFleetCallContext(context, () => runCollectorPass({ ...deps, meter }));
    } catch (error) {
      if (error instanceof LoginRequiredError && notices) await quietly(() => notices.loginLost(deps.clock.now()));
      throw error;
    }
    signals.passCompleted(summary);
    if (notices) await quietly(() => notices.afterPass(summary, deps.clock.now()));
    deps.log.info('collector pass', {
      vehiclesSeen: summary.vehiclesSeen,
      snapshotsWritten: summary.snapshotsWritten,
      requests: summary.requests,
      vehicles: summary.vehicles.map(({ vin, state, decision, reason, budgetUsedPercent }) => ({ vin, state, decision, reason, budgetUsedPercent })),
    });
    return summary;
  });
}
