import type { Automation, AutomationRun, AutomationStore, AutomationTrigger } from '../../shared/domain/automations/automation';
import { dueOccurrences } from '../../shared/domain/automations/due-occurrences';
import type { Clock } from '../../shared/domain/clock';
import type { AutomationOccurrence } from '../../shared/domain/automations/run-automation';

/**
 * The local stand-in for EventBridge Scheduler: the API tells it of every change (it is the local
 * AutomationTrigger), and `tick` runs the occurrences due since the last tick, through the same runner the Lambda
 * uses. The host ticks it every 20 seconds; tests tick it by hand on a simulated clock.
 */
export class LocalAutomationScheduler implements AutomationTrigger {
  private readonly automations = new Map<string, Automation>();
  private lastTick: number;
  private ticking: Promise<AutomationRun[]> | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly run: (due: AutomationOccurrence) => Promise<AutomationRun>,
  ) {
    this.lastTick = clock.now();
  }

  /** Picks up what was stored by an earlier run of the host. */
  async load(store: AutomationStore): Promise<void> {
    for (const automation of await store.listAutomations()) this.automations.set(automation.id, automation);
  }

  apply(automation: Automation): Promise<void> {
    this.automations.set(automation.id, automation);
    return Promise.resolve();
  }

  remove(id: string): Promise<void> {
    this.automations.delete(id);
    return Promise.resolve();
  }

  /** Runs what fell due since the last tick (one tick at a time); returns those runs. */
  tick(): Promise<AutomationRun[]> {
    this.ticking ??= this.runDue().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async runDue(): Promise<AutomationRun[]> {
    const now = this.clock.now();
    const due = dueOccurrences([...this.automations.values()], this.lastTick, now);
    this.lastTick = now;
    const runs: AutomationRun[] = [];
    for (const { automation, occurrence } of due) {
      const run = await this.run({ automationId: automation.id, occurrence }).catch((error: unknown) => ({
        at: now,
        outcome: 'error',
        reason: error instanceof Error ? error.name : 'error',
      }));
      runs.push(run);
      // A one-off is over once it has run; the runner stored it disabled.
      if (automation.schedule.kind === 'once') this.automations.set(automation.id, { ...automation, enabled: false });
    }
    return runs;
  }
}
