import type { HistoryState, HistoryStep } from './history-machine';
import type { ChargingSession, Drive, IdlePeriod, ImportedRange, SoftwareVersionSeen, StateChange } from './history-records';
import type { LogbookStore } from './logbook-store';
import type { MonthTotals } from './monthly-totals';
import type { HistoryPage, HistoryQuery } from './history-page';

export type { HistoryPage, HistoryQuery } from './history-page';

/** Where derived history is kept: the machine's state per car, the records it produced, and the logbook. */
export interface HistoryStore extends LogbookStore {
  getHistoryState(vin: string): Promise<HistoryState | null>;
  /**
   * Writes the step's records (idempotent: a record's key is its start), then the state; with `keepState`, the
   * records only (a past period derived while the collector keeps the present's state, as an import into a live table).
   */
  saveHistoryStep(vin: string, step: HistoryStep, options?: { keepState?: boolean }): Promise<void>;
  /** Keeps another logger's own records (TeslaMate's drives and sessions): listed with the derived ones, never cleared. */
  keepImportedRecords(vin: string, records: { drives: readonly Drive[]; charges: readonly ChargingSession[] }): Promise<void>;
  /** The stretches imported from another logger's readings, oldest first. */
  importedRanges(vin: string): Promise<ImportedRange[]>;
  /** Notes a stretch imported from another logger's readings (again with the same start: the later end is kept). */
  putImportedRange(range: ImportedRange): Promise<void>;
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
  /**
   * Keeps a change of the car's listed state (kept like a snapshot: re-deriving needs it), then the state it led to;
   * without a state, the change only (an import of a past period leaves the collector's state alone).
   */
  putStateChange(change: StateChange, state?: HistoryState): Promise<void>;
  /** State changes from `fromMs` to `toMs`, oldest first. */
  stateChangesBetween(vin: string, fromMs: number, toMs: number): Promise<StateChange[]>;
  /**
   * Deletes every derived record that starts from `fromMs` to `toMs` (default: on), before a re-derivation writes
   * them anew. Records kept from another logger (keepImportedRecords) stay.
   */
  clearHistoryFrom(vin: string, fromMs: number, toMs?: number): Promise<number>;
}
