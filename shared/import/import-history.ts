import type { HistoryStore } from '../domain/history/history-store';
import type { ChargingSession, Drive, StateChange } from '../domain/history/history-records';
import { pagesOf, type HistoryPage } from '../domain/history/history-page';
import { EMPTY_HISTORY } from '../domain/history/history-machine';
import { rederiveHistory } from '../domain/history/rederive';
import { INITIAL_MEMORY } from '../domain/polling-policy';
import { mapWithConcurrency } from '../domain/concurrency';
import type { Snapshot } from '../domain/snapshot';
import type { SnapshotStore, VehicleStore } from '../domain/stores';

export interface ImportResult {
  readings: number;
  stateChanges: number;
  drives: number;
  charges: number;
  /** The car was not known here: it is listed from now on (a car sold before the switch keeps its history). */
  carAdded: boolean;
}

/** One file's worth of another logger's readings and state changes of one car. */
export interface ImportBatch {
  snapshots: readonly Snapshot[];
  changes: readonly StateChange[];
  displayName: string | null;
}

/**
 * Stores another logger's readings and state changes of one car as if the collector had read them, a batch (a file)
 * at a time, then derives the car's history again from the first imported reading on, with the collector's code:
 * drives, charging sessions, idle periods, months and logbook entries come out as the collector would have made them.
 * Readings are keyed by their time, so importing the same file twice changes nothing.
 */
export async function importHistory(
  stores: { vehicles: VehicleStore; snapshots: SnapshotStore; history: HistoryStore },
  vin: string,
  batches: Iterable<ImportBatch> | AsyncIterable<ImportBatch>,
  now: number,
  span?: ImportSpan,
): Promise<ImportResult> {
  if (span) await refuseOverlapWithKept(stores.history, vin, span);
  const live = span?.live === true;
  if (live) await refuseOverlapWithCollected(stores, vin, span.until);
  const totals = { readings: 0, stateChanges: 0, first: Number.POSITIVE_INFINITY, last: 0, newestReading: 0, displayName: null as string | null };
  // State changes are kept for the idle periods' asleep share; the car's current history state is left as it is.
  const state = (await stores.history.getHistoryState(vin)) ?? EMPTY_HISTORY;
  for await (const batch of batches) {
    // Written a few at a time (a deployed table answers in milliseconds, not microseconds); a month of per-minute
    // polls is tens of thousands of readings, never spread as arguments.
    await mapWithConcurrency(batch.snapshots, WRITERS, (snapshot) => stores.snapshots.putSnapshot(snapshot));
    for (const snapshot of batch.snapshots) {
      totals.first = Math.min(totals.first, snapshot.takenAt);
      totals.last = Math.max(totals.last, snapshot.takenAt);
      totals.newestReading = Math.max(totals.newestReading, snapshot.takenAt);
    }
    for (const change of batch.changes) {
      await stores.history.putStateChange(change, live ? undefined : state);
      totals.first = Math.min(totals.first, change.at);
      totals.last = Math.max(totals.last, change.at);
    }
    totals.readings += batch.snapshots.length;
    totals.stateChanges += batch.changes.length;
    totals.displayName ??= batch.displayName;
  }
  if (totals.readings + totals.stateChanges === 0) return { readings: 0, stateChanges: 0, drives: 0, charges: 0, carAdded: false };
  await stores.history.putImportedRange({ vin, source: 'teslafi', fromMs: totals.first, toMs: totals.last });
  const carAdded = await listImportedCar(stores.vehicles, vin, totals.displayName, { lastSeenAt: totals.last, lastSnapshotAt: totals.newestReading || null });
  // Into a live table, only the imported stretch is derived, and the collector's state is left alone: the import
  // ends before its first reading (checked above), so nothing after it changes.
  const range = live ? { fromMs: totals.first, toMs: totals.last, keepState: true } : { fromMs: totals.first, toMs: now };
  const result = await rederiveHistory(stores, vin, range);
  return { readings: totals.readings, stateChanges: totals.stateChanges, drives: result.drives, charges: result.charges, carAdded };
}

/** Readings stored at a time. */
const WRITERS = 16;

/**
 * The first and last time the files hold, read before anything is stored; `live`: into a table the collector is
 * writing to as well.
 */
export interface ImportSpan {
  from: number;
  until: number;
  live?: boolean;
}

/** Thrown before anything is stored, when TeslaMate's records already cover part of the period: one logger per period. */
export class ImportCoveredError extends Error {
  constructor(vin: string, at: number) {
    super(
      `drives or sessions of ${vin} imported from TeslaMate already cover ${new Date(at).toISOString()}, inside these files: a period is imported from one logger only (nothing was stored)`,
    );
    this.name = 'ImportCoveredError';
  }
}

/** Every page of the period's drives and sessions is looked at: a kept record can follow any number of derived ones. */
async function refuseOverlapWithKept(history: HistoryStore, vin: string, span: ImportSpan): Promise<void> {
  const range = { fromMs: span.from, toMs: span.until, limit: 1000 };
  const lists: Array<(cursor: string | null) => Promise<HistoryPage<Drive | ChargingSession>>> = [
    (cursor) => history.listDrives(vin, { ...range, cursor }),
    (cursor) => history.listCharges(vin, { ...range, cursor }),
  ];
  for (const list of lists) {
    for await (const items of pagesOf(list)) {
      const kept = items.find((r) => r.imported?.source === 'teslamate');
      if (kept) throw new ImportCoveredError(vin, kept.start.at);
    }
  }
}

/** Thrown before anything is stored, when an import into a live table would reach the readings the collector took. */
export class ImportOverlapError extends Error {
  constructor(vin: string, firstCollected: number) {
    super(
      `the table already holds readings the collector took of ${vin} from ${new Date(firstCollected).toISOString()} on: import only files that end before then (nothing was stored)`,
    );
    this.name = 'ImportOverlapError';
  }
}

/**
 * The first reading not inside a stretch imported before: the collector's. Each gap between imported stretches is
 * asked for one reading, so a second import of years of files reads a handful of items, not the years.
 */
async function refuseOverlapWithCollected(stores: { snapshots: SnapshotStore; history: HistoryStore }, vin: string, until: number): Promise<void> {
  const ranges = await stores.history.importedRanges(vin);
  let from = 0;
  for (const gap of [...ranges.map((r) => ({ toMs: r.fromMs - 1, next: r.toMs + 1 })), { toMs: until, next: Number.POSITIVE_INFINITY }]) {
    const toMs = Math.min(gap.toMs, until);
    if (toMs >= from) {
      const [first] = (await stores.snapshots.snapshotsBetween(vin, { fromMs: from, toMs, limit: 1 })).items;
      if (first) throw new ImportOverlapError(vin, first.takenAt);
    }
    from = Math.max(from, gap.next);
    if (from > until) return;
  }
}

/**
 * Lists a car an import brought that the account does not (a car sold before the switch keeps its history): its
 * state unknown until the collector sees it. True when it was added.
 */
export async function listImportedCar(
  vehicles: VehicleStore,
  vin: string,
  displayName: string | null,
  seen: { lastSeenAt: number; lastSnapshotAt: number | null },
): Promise<boolean> {
  if ((await vehicles.getVehicle(vin)) !== null) return false;
  await vehicles.putVehicle({ vin, displayName, state: 'unknown', ...seen, polling: INITIAL_MEMORY });
  return true;
}
