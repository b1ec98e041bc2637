import type { SnapshotStore } from '../stores';
import type { Snapshot } from '../snapshot';
import { defaultPackKwh, deriveHistory } from './history-machine';
import { refreshMonthsOf } from './history-recorder';
import type { HistoryStore } from './history-store';
import { driveFacts } from './logbook';
import { catchUpLogIndex } from './logbook-index';
import { appendToLogbook } from './logbook-append';

/**
 * Derives a car's history again from its stored snapshots, from `fromMs` on, and replaces what was derived before:
 * a fix to the derivation reaches old history this way. The result is what the collector would have recorded had
 * it run the new derivation all along (the state starts empty at the first snapshot from `fromMs`).
 */
export async function rederiveHistory(
  stores: { snapshots: SnapshotStore; history: HistoryStore },
  vin: string,
  range: { fromMs: number; toMs: number },
  packKwh = defaultPackKwh(vin),
): Promise<{ snapshots: number; drives: number; charges: number; versions: number; deleted: number }> {
  const snapshots: Snapshot[] = [];
  let cursor: string | null = null;
  do {
    const page = await stores.snapshots.snapshotsBetween(vin, { fromMs: range.fromMs, toMs: range.toMs, limit: 1000, cursor });
    snapshots.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== null);
  const changes = await stores.history.stateChangesBetween(vin, range.fromMs, range.toMs);
  const step = deriveHistory(snapshots, { packKwh }, undefined, changes);
  const deleted = await stores.history.clearHistoryFrom(vin, range.fromMs);
  // Drives the logbook has not seen yet are logged; logged drives stay as logged (verify shows any that changed).
  await catchUpLogIndex(stores.history, vin);
  for (const drive of step.drives) {
    if ((await stores.history.logIndexItem(vin, drive.id))?.driveSeq == null) await appendToLogbook(stores.history, vin, driveFacts(drive));
  }
  await stores.history.saveHistoryStep(vin, step);
  await refreshMonthsOf(stores.history, vin, step);
  return { snapshots: snapshots.length, drives: step.drives.length, charges: step.charges.length, versions: step.versions.length, deleted };
}
