import middy from '@middy/core';
import { runCollectorPass, type CollectorDeps, type CollectorSummary } from '../../shared/domain/collector';

/** The scheduled collector: one pass per invocation. Failing to list the cars fails the invocation (and is retried). */
export function createCollectorHandler(deps: CollectorDeps) {
  return middy<unknown, CollectorSummary>().handler(async () => {
    const summary = await runCollectorPass(deps);
    deps.log.info('collector pass', {
      vehiclesSeen: summary.vehiclesSeen,
      snapshotsWritten: summary.snapshotsWritten,
      requests: summary.requests,
      vehicles: summary.vehicles.map(({ vin, state, decision, reason }) => ({ vin, state, decision, reason })),
    });
    return summary;
  });
}
