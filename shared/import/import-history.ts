import type { HistoryStore } from '../domain/history/history-store';
import type { StateChange } from '../domain/history/history-records';
import { EMPTY_HISTORY } from '../domain/history/history-machine';
import { rederiveHistory } from '../domain/history/rederive';
import { INITIAL_MEMORY } from '../domain/polling-policy';
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
): Promise<ImportResult> {
  const totals = { readings: 0, stateChanges: 0, first: Number.POSITIVE_INFINITY, last: 0, newestReading: 0, displayName: null as string | null };
  // State changes are kept for the idle periods' asleep share; the car's current history state is left as it is.
  const state = (await stores.history.getHistoryState(vin)) ?? EMPTY_HISTORY;
  for await (const batch of batches) {
    // A month of per-minute polls is tens of thousands of readings: folded one at a time, never spread as arguments.
    for (const snapshot of batch.snapshots) {
      await stores.snapshots.putSnapshot(snapshot);
      totals.first = Math.min(totals.first, snapshot.takenAt);
      totals.last = Math.max(totals.last, snapshot.takenAt);
      totals.newestReading = Math.max(totals.newestReading, snapshot.takenAt);
    }
    for (const change of batch.changes) {
      await stores.history.putStateChange(change, state);
      totals.first = Math.min(totals.first, change.at);
      totals.last = Math.max(totals.last, change.at);
    }
    totals.readings += batch.snapshots.length;
    totals.stateChanges += batch.changes.length;
    totals.displayName ??= batch.displayName;
  }
  if (totals.readings + totals.stateChanges === 0) return { readings: 0, stateChanges: 0, drives: 0, charges: 0, carAdded: false };
  const known = await stores.vehicles.getVehicle(vin);
  if (known === null) {
    await stores.vehicles.putVehicle({
      vin,
      displayName: totals.displayName,
      state: 'unknown',
      lastSeenAt: totals.last,
      lastSnapshotAt: totals.newestReading || null,
      polling: INITIAL_MEMORY,
    });
  }
  const result = await rederiveHistory(stores, vin, { fromMs: totals.first, toMs: now });
  return { readings: totals.readings, stateChanges: totals.stateChanges, drives: result.drives, charges: result.charges, carAdded: known === null };
}
