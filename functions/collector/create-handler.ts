import middy from '@middy/core';
import { runCollectorPass, type CollectorDeps, type CollectorSummary } from '../../shared/domain/collector';
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

const NO_SIGNALS: CollectorSignals = { passCompleted: () => undefined };

/** The scheduled collector: one pass per invocation. Failing to list the cars fails the invocation (and is retried). */
export function createCollectorHandler(deps: CollectorDeps, signals: CollectorSignals = NO_SIGNALS, passBudgetMs = COLLECTOR_PASS_BUDGET_MS) {
  return middy<unknown, CollectorSummary>().handler(async () => {
    const meter = new RequestMeter();
    const context = { deadline: Date.now() + passBudgetMs, onRetriedAnswer: (category: Parameters<RequestMeter['record']>[0], scope: string) => meter.record(category, scope) };
    const summary = await withFleetCallContext(context, () => runCollectorPass({ ...deps, meter }));
    signals.passCompleted(summary);
    deps.log.info('collector pass', {
      vehiclesSeen: summary.vehiclesSeen,
      snapshotsWritten: summary.snapshotsWritten,
      requests: summary.requests,
      vehicles: summary.vehicles.map(({ vin, state, decision, reason, budgetUsedPercent }) => ({ vin, state, decision, reason, budgetUsedPercent })),
    });
    return summary;
  });
}
