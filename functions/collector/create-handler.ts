import middy from '@middy/core';
import { runCollectorPass, type CollectorDeps, type CollectorSummary } from '../../shared/domain/collector';

/** Where a pass's figures go besides the log: CloudWatch metrics in AWS, nowhere locally. */
export interface CollectorSignals {
  passCompleted(summary: CollectorSummary): void;
}

const NO_SIGNALS: CollectorSignals = { passCompleted: () => undefined };

/** The scheduled collector: one pass per invocation. Failing to list the cars fails the invocation (and is retried). */
export function createCollectorHandler(deps: CollectorDeps, signals: CollectorSignals = NO_SIGNALS) {
  return middy<unknown, CollectorSummary>().handler(async () => {
    const summary = await runCollectorPass(deps);
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
