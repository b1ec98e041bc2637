import * as z from 'zod';
import { runAutomation, type AutomationRunnerDeps } from '../../shared/domain/automations/run-automation';
import type { AutomationRun } from '../../shared/domain/automations/automation';

/** What each EventBridge Scheduler schedule sends (see EventBridgeAutomationTrigger). */
const occurrenceEvent = z.strictObject({ automationId: z.string().regex(/^[0-9a-z-]{1,40}$/), occurrence: z.string().min(1).max(64) });

/**
 * The runner: one due occurrence per invocation. A malformed event is logged and dropped (retrying cannot mend it);
 * a failure to reach the table is thrown, so the scheduler retries, and the occurrence's claim keeps that safe.
 */
export function createAutomationRunnerHandler(deps: AutomationRunnerDeps) {
  return async (event: unknown): Promise<AutomationRun | { outcome: 'rejected'; reason: string }> => {
    const parsed = occurrenceEvent.safeParse(event);
    if (!parsed.success) {
      deps.log.error('automation event rejected', { issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`) });
      return { outcome: 'rejected', reason: 'malformed_event' };
    }
    const run = await runAutomation(deps, parsed.data);
    deps.log.info('automation run', { automationId: parsed.data.automationId, outcome: run.outcome, reason: run.reason });
    return run;
  };
}
