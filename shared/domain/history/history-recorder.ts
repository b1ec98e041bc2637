import type { Snapshot } from '../snapshot';
import type { Log } from '../stores';
import { defaultPackKwh, EMPTY_HISTORY, foldSnapshot, foldStateChange, type HistoryState, type HistoryStep } from './history-machine';
import { pagesOf } from './history-page';
import { ratedWhPerMiOf } from './history-state';
import { reestimated } from './rated-reestimate';
import type { StateChange } from './history-records';
import type { HistoryStore } from './history-store';
import { driveFacts } from './logbook';
import { appendToLogbook } from './logbook-append';
import { driveMonth, monthOf, monthRange, monthTotals } from './monthly-totals';

/**
 * Folds one new snapshot into the car's stored history, as the collector stores it. Records are keyed by their start,
 * so running this twice for one snapshot writes the same records again, never two.
 */
export async function recordHistory(
  store: HistoryStore,
  snapshot: Snapshot,
  packKwh = defaultPackKwh(snapshot.vin),
): Promise<{ drives: number; charges: number }> {
  const state = (await store.getHistoryState(snapshot.vin)) ?? EMPTY_HISTORY;
  const step = foldSnapshot(state, snapshot, { packKwh });
  // Logged first: if the process dies before the state is saved, the drive is derived again and not logged twice.
  for (const drive of step.drives) await appendToLogbook(store, snapshot.vin, driveFacts(drive));
  if (step.state !== state) await store.saveHistoryStep(snapshot.vin, step);
  await refreshMonthsOf(store, snapshot.vin, step);
  await reestimateStoredDrives(store, snapshot.vin, state, step.state);
  return { drives: step.drives.length, charges: step.charges.length };
}

/**
 * History is derived from readings already stored: if deriving fails, the reading is kept all the same and the failure
 * logged (nothing is lost: `npm run rederive` derives the history again from readings). Never throws.
 */
export async function deriveKeepingReadings(log: Log, source: string, vin: string, derive: () => Promise<unknown>): Promise<void> {
  try {
    await derive();
  } catch (error) {
    log.error(`${source}: history not updated`, { vin, error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error' });
  }
}

/** Keeps a change of the car's listed state and folds it into its history (idle periods' asleep share). */
export async function recordStateChange(store: HistoryStore, change: StateChange): Promise<void> {
  const state = (await store.getHistoryState(change.vin)) ?? EMPTY_HISTORY;
  await store.putStateChange(change, foldStateChange(state, change));
}

/** Recomputes the totals of every month a step recorded a drive or session in. */
export async function refreshMonthsOf(store: HistoryStore, vin: string, step: Pick<HistoryStep, 'drives' | 'charges'>): Promise<void> {
  const months = new Set([...step.drives.map(driveMonth), ...step.charges.map((c) => monthOf(c.start.at))]);
  for (const month of months) await refreshMonth(store, vin, month);
}

/**
 * Recomputes a month's totals item from the month's records (a handful of small items). Drives do not overlap, so at
 * most one drive that counts in the month (by `startedBy`) began its bounds before it: the newest one before.
 */
async function refreshMonth(store: HistoryStore, vin: string, month: string): Promise<void> {
  const range = { ...monthRange(month), limit: 2_000 };
  const [drives, before, charges] = await Promise.all([
    store.listDrives(vin, range),
    store.listDrives(vin, { fromMs: 0, toMs: range.fromMs - 1, limit: 1, newestFirst: true }),
    store.listCharges(vin, range),
  ]);
  await store.putMonth(monthTotals(vin, month, [...before.items, ...drives.items], charges.items));
}

/**
 * When a step gave the car's first rated consumption (`before` had none, `after` has one), the stored drives
 * estimated at the assumed pack's size are estimated again at it, written back, and their months' totals refreshed:
 * once per car, over the drives from before its first charging session that showed it. Should the process die
 * part way, the drives not yet written keep their pack estimate (labelled as such) until the history is derived again.
 */
export async function reestimateStoredDrives(store: HistoryStore, vin: string, before: HistoryState, after: HistoryState): Promise<number> {
  const rated = ratedWhPerMiOf(after);
  if (rated === null || ratedWhPerMiOf(before) !== null) return 0;
  let count = 0;
  for await (const drives of pagesOf((cursor) => store.listDrives(vin, { fromMs: 0, toMs: after.last?.at ?? 0, limit: PAGE, cursor }))) {
    const changed = reestimated(drives, rated);
    if (changed.length === 0) continue;
    await store.saveHistoryStep(vin, { state: after, drives: changed, charges: [], versions: [], idles: [] }, { keepState: true });
    await refreshMonthsOf(store, vin, { drives: changed, charges: [] });
    count += changed.length;
  }
  return count;
}

const PAGE = 500;
