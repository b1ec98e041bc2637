import type { Snapshot } from '../snapshot';
import { defaultPackKwh, EMPTY_HISTORY, foldSnapshot } from './history-machine';
import type { HistoryStore } from './history-store';

/**
 * Folds one new snapshot into the car's stored history, as the collector stores it. Records are keyed by their start,
 * so running this twice for one snapshot writes the same records again, never two.
 */
export async function recordHistory(store: HistoryStore, snapshot: Snapshot, packKwh = defaultPackKwh(snapshot.vin)): Promise<{ drives: number; charges: number }> {
  const state = (await store.getHistoryState(snapshot.vin)) ?? EMPTY_HISTORY;
  const step = foldSnapshot(state, snapshot, { packKwh });
  if (step.state !== state) await store.saveHistoryStep(snapshot.vin, step);
  return { drives: step.drives.length, charges: step.charges.length };
}
