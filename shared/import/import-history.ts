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

/**
 * Stores another logger's readings and state changes of one car as if the collector had read them, then derives the
 * car's history again from the first imported reading on, with the collector's code: drives, charging sessions, idle
 * periods, months and logbook entries come out as the collector would have made them. Readings are keyed by their
 * time, so importing the same file twice changes nothing.
 */
export async function importHistory(
  stores: { vehicles: VehicleStore; snapshots: SnapshotStore; history: HistoryStore },
  vin: string,
  imported: { snapshots: readonly Snapshot[]; changes: readonly StateChange[]; displayName: string | null },
  now: number,
): Promise<ImportResult> {
  const times = [...imported.snapshots.map((s) => s.takenAt), ...imported.changes.map((c) => c.at)];
  if (times.length === 0) return { readings: 0, stateChanges: 0, drives: 0, charges: 0, carAdded: false };
  for (const snapshot of imported.snapshots) await stores.snapshots.putSnapshot(snapshot);
  // Kept for the idle periods' asleep share; the car's current history state is left as it is.
  const state = (await stores.history.getHistoryState(vin)) ?? EMPTY_HISTORY;
  for (const change of imported.changes) await stores.history.putStateChange(change, state);
  const known = await stores.vehicles.getVehicle(vin);
  if (known === null) {
    const newest = imported.snapshots.reduce((n, s) => Math.max(n, s.takenAt), 0);
    await stores.vehicles.putVehicle({
      vin,
      displayName: imported.displayName,
      state: 'unknown',
      lastSeenAt: Math.max(...times),
      lastSnapshotAt: newest || null,
      polling: INITIAL_MEMORY,
    });
  }
  const result = await rederiveHistory(stores, vin, { fromMs: Math.min(...times), toMs: now });
  return {
    readings: imported.snapshots.length,
    stateChanges: imported.changes.length,
    drives: result.drives,
    charges: result.charges,
    carAdded: known === null,
  };
}
