import type { SnapshotStore } from '../stores';
import type { Snapshot } from '../snapshot';
import { defaultPackKwh, deriveHistory, EMPTY_HISTORY, type HistoryStep } from './history-machine';
import type { ImportedRange } from './history-records';
import { reestimateStoredDrives, refreshMonthsOf } from './history-recorder';
import { pagesOf } from './history-page';
import type { HistoryStore } from './history-store';
import { driveFacts } from './logbook';
import { catchUpLogIndex } from './logbook-index';
import { appendToLogbook } from './logbook-append';

/**
 * Derives a car's history again from its stored snapshots, from `fromMs` on, and replaces what was derived before:
 * a fix to the derivation reaches old history this way, and an import derives what it stored. The result is what the
 * collector would have recorded had it run the new derivation all along (the state starts empty at the first
 * snapshot from `fromMs`). Snapshots are folded a page at a time, so years of readings need no more memory than a page.
 */
export async function rederiveHistory(
  stores: { snapshots: SnapshotStore; history: HistoryStore },
  vin: string,
  range: { fromMs: number; toMs: number; keepState?: boolean },
  packKwh = defaultPackKwh(vin),
): Promise<{ snapshots: number; drives: number; charges: number; versions: number; deleted: number }> {
  const changes = (await stores.history.stateChangesBetween(vin, range.fromMs, range.toMs)).sort((a, b) => a.at - b.at);
  // Only what this derivation writes again is cleared: records after `toMs` stay (a past period derived while the
  // collector goes on; `keepState` leaves its state too).
  const deleted = await stores.history.clearHistoryFrom(vin, range.fromMs, range.toMs);
  const imported = markImported(await stores.history.importedRanges(vin));
  await catchUpLogIndex(stores.history, vin);
  const totals = { snapshots: 0, drives: 0, charges: 0, versions: 0, deleted };
  let state = EMPTY_HISTORY;
  let applied = 0;
  const fold = async (snapshots: readonly Snapshot[], upTo: number): Promise<void> => {
    let end = applied;
    while (end < changes.length && changes[end]!.at <= upTo) end++;
    const due = changes.slice(applied, end);
    applied = end;
    const step = imported(deriveHistory(snapshots, { packKwh }, state, due));
    const before = state;
    state = step.state;
    // Drives the logbook has not seen yet are logged, in time order; logged drives stay as logged (verify shows any
    // that changed).
    for (const drive of step.drives) {
      if ((await stores.history.logIndexItem(vin, drive.id))?.driveSeq == null) await appendToLogbook(stores.history, vin, driveFacts(drive));
    }
    await stores.history.saveHistoryStep(vin, step, { keepState: range.keepState === true });
    await refreshMonthsOf(stores.history, vin, step);
    await reestimateStoredDrives(stores.history, vin, before, state);
    totals.snapshots += snapshots.length;
    totals.drives += step.drives.length;
    totals.charges += step.charges.length;
    totals.versions += step.versions.length;
  };
  for await (const snapshots of pagesOf((cursor) => stores.snapshots.snapshotsBetween(vin, { fromMs: range.fromMs, toMs: range.toMs, limit: PAGE, cursor }))) {
    // Changes up to the page's last reading belong before it; later ones wait for the next page.
    if (snapshots.length > 0) await fold(snapshots, snapshots.at(-1)!.takenAt);
  }
  await fold([], Number.POSITIVE_INFINITY);
  return totals;
}

/** Marks the drives and sessions that lie wholly inside a stretch imported from another logger's readings. */
function markImported(ranges: readonly ImportedRange[]): (step: HistoryStep) => HistoryStep {
  if (ranges.length === 0) return (step) => step;
  const source = (from: number, to: number) => ranges.find((r) => from >= r.fromMs && to <= r.toMs)?.source;
  return (step) => {
    const drives = step.drives.map((d) => {
      const from = source(d.start.at, d.end.at);
      return from ? { ...d, imported: { source: from } } : d;
    });
    const charges = step.charges.map((c) => {
      const from = source(c.startedAfter, c.endBy);
      return from ? { ...c, imported: { source: from } } : c;
    });
    return { ...step, drives, charges };
  };
}

/** Snapshots folded at a time. */
const PAGE = 1000;
