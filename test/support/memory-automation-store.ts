import type { Automation, AutomationRun, AutomationStore, AutomationTrigger } from '../../shared/domain/automations/automation';

/** Automations in memory, and a trigger that records what would be scheduled. */
export class MemoryAutomationStore implements AutomationStore, AutomationTrigger {
  readonly items = new Map<string, Automation>();
  readonly scheduled = new Map<string, Automation>();
  applyFails: Error | null = null;

  addAutomation(automation: Automation, max: number): Promise<boolean> {
    if (this.items.size >= max) return Promise.resolve(false);
    this.items.set(automation.id, structuredClone(automation));
    return Promise.resolve(true);
  }
  putAutomation(automation: Automation): Promise<void> {
    this.items.set(automation.id, structuredClone(automation));
    return Promise.resolve();
  }
  getAutomation(id: string): Promise<Automation | null> {
    return Promise.resolve(structuredClone(this.items.get(id) ?? null));
  }
  listAutomations(): Promise<Automation[]> {
    return Promise.resolve([...this.items.values()].map((a) => structuredClone(a)));
  }
  deleteAutomation(id: string): Promise<void> {
    this.items.delete(id);
    return Promise.resolve();
  }
  recordAutomationRun(id: string, run: AutomationRun): Promise<void> {
    const found = this.items.get(id);
    if (found) found.lastRun = run;
    return Promise.resolve();
  }
  apply(automation: Automation): Promise<void> {
    if (this.applyFails) return Promise.reject(this.applyFails);
    this.scheduled.set(automation.id, structuredClone(automation));
    return Promise.resolve();
  }
  remove(id: string): Promise<void> {
    this.scheduled.delete(id);
    return Promise.resolve();
  }
}
