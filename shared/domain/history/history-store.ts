import type { HistoryState, HistoryStep } from './history-machine';
import type { ChargingSession, Drive, IdlePeriod, SoftwareVersionSeen, StateChange } from './history-records';
import type { LogbookStore } from './logbook-store';
import type { MonthTotals } from './monthly-totals';
import type { HistoryPage, HistoryQuery } from './history-page';

export type { HistoryPage, HistoryQuery } from './history-page';

/** Where derived history is kept: the machine's state per car, the records it produced, and the logbook. */
export interface HistoryStore extends LogbookStore {
  getHistoryState(vin: string): Promise<HistoryState | null>;
  /** Writes the step's records (idempotent: a record's key is its start), then the state. */
  saveHistoryStep(vin: string, step: HistoryStep): Promise<void>;
  /** By start time, oldest first unless the query asks newest first. */
  listDrives(vin: string, query: HistoryQuery): Promise<HistoryPage<Drive>>;
  getDrive(vin: string, id: string): Promise<Drive | null>;
  listCharges(vin: string, query: HistoryQuery): Promise<HistoryPage<ChargingSession>>;
  listVersions(vin: string): Promise<SoftwareVersionSeen[]>;
  getCharge(vin: string, id: string): Promise<ChargingSession | null>;
  /** Costs the owner set by hand, by session id (kept apart from the derived sessions, so re-deriving keeps them). */
  chargeCosts(vin: string): Promise<Map<string, number>>;
  /** Sets (or, with null, clears) a session's cost. */
  putChargeCost(vin: string, id: string, cost: number | null): Promise<void>;
  /** Idle periods, oldest first, by start. */
  listIdles(vin: string, query: HistoryQuery): Promise<HistoryPage<IdlePeriod>>;
  /** Month totals, oldest first, for months from `fromMonth` to `toMonth` (YYYY-MM). */
  listMonths(vin: string, fromMonth: string, toMonth: string): Promise<MonthTotals[]>;
  putMonth(totals: MonthTotals): Promise<void>;
  /** Keeps a change of the car's listed state (kept like a snapshot: re-deriving needs it), then the state it led to. */
  putStateChange(change: StateChange, state: HistoryState): Promise<void>;
  /** State changes from `fromMs` to `toMs`, oldest first. */
  stateChangesBetween(vin: string, fromMs: number, toMs: number): Promise<StateChange[]>;
  /** Deletes every record that starts at or after `fromMs` (before a re-derivation writes them anew). */
  clearHistoryFrom(vin: string, fromMs: number): Promise<number>;
}
