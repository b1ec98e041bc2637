import type { CommandName } from '../commands/catalogue';

/** When an automation runs: a cron in a time zone, or once at a wall time in a time zone. */
export type AutomationSchedule = { kind: 'cron'; cron: string; timeZone: string } | { kind: 'once'; at: string; timeZone: string };

/** Checked against the latest stored reading when the automation is due; no Tesla request is made for it. */
export type AutomationCondition =
  | { kind: 'plugged_in' }
  | { kind: 'battery_below'; percent: number }
  | { kind: 'battery_above'; percent: number }
  /** Parked within `radiusM` of a place (needs location recording, INCLUDE_LOCATION). */
  | { kind: 'parked_near'; latitude: number; longitude: number; radiusM: number };

export interface AutomationRun {
  at: number;
  /** done | already_done | failed | error | skipped */
  outcome: string;
  reason: string;
}

export interface Automation {
  id: string;
  name: string;
  vin: string;
  command: CommandName;
  body: Record<string, unknown>;
  schedule: AutomationSchedule;
  enabled: boolean;
  conditions: AutomationCondition[];
  createdAt: number;
  updatedAt: number;
  lastRun: AutomationRun | null;
}

/** Where automations are kept. */
export interface AutomationStore {
  /**
   * Stores a new automation only while fewer than `max` exist, atomically: parallel creates can never pass the
   * limit together. False when the limit is reached.
   */
  addAutomation(automation: Automation, max: number): Promise<boolean>;
  /** Replaces an existing automation (or puts back one being undone). */
  putAutomation(automation: Automation): Promise<void>;
  getAutomation(id: string): Promise<Automation | null>;
  listAutomations(): Promise<Automation[]>;
  deleteAutomation(id: string): Promise<void>;
  recordAutomationRun(id: string, run: AutomationRun): Promise<void>;
}

/**
 * What fires automations: EventBridge Scheduler in AWS (one schedule per automation, in the stack's group), the
 * local host's scheduler locally. `apply` creates or replaces the automation's schedule (a disabled automation's
 * schedule is disabled too); `remove` deletes it and succeeds when there is none.
 */
export interface AutomationTrigger {
  apply(automation: Automation): Promise<void>;
  remove(id: string): Promise<void>;
}
