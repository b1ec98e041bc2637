import { describe, expect, it } from '@jest/globals';
import type { Drive } from '../../../shared/domain/history/history-records';
import { driveFacts, type LogEntry, logbookRows, sealEntry } from '../../../shared/domain/history/logbook';
import { catchUpLogIndex, indexUpdates, LogbookIndexingError, pages, requireLogIndex } from '../../../shared/domain/history/logbook-index';
import { latestAnnotation, loggedDrivesOfYear } from '../../../shared/domain/history/logbook-reads';
import { appendToLogbook } from '../../../shared/domain/history/logbook-append';
import { verifyLogbook } from '../../../shared/domain/history/logbook-verify';
import { MemoryHistoryStore } from '../../support/memory-history-store';

const VIN = '5YJ3E7EB0SF000001';
const never = () => false;

/** A drive a day from `firstDay` on, 10 mi each, recorded and logged as the collector does, without the index. */
function logDrives(store: MemoryHistoryStore, firstDay: string, count: number): Drive[] {
  const drives: Drive[] = [];
  for (let n = 0; n < count; n++) {
    const start = Date.parse(firstDay) + n * 86_400_000;
    const odometer = 1000 + n * 10;
    const drive = {
      vin: VIN,
      id: String(start),
      start: { at: start, odometerMi: odometer, location: null },
      startedBy: start + 300_000,
      endedAfter: start + 900_000,
      end: { at: start + 1_200_000, odometerMi: odometer + 10, location: null },
      distanceMi: 10,
    } as unknown as Drive;
    store.drives.set(`${VIN}#${start}`, drive);
    drives.push(drive);
    const previous = store.log.filter((e) => e.vin === VIN).at(-1) ?? null;
    store.log.push(sealEntry(VIN, previous, driveFacts(drive)));
  }
  return drives;
}

/** Counts the entries each read hands out. */
function counting(store: MemoryHistoryStore): { entriesRead: () => number } {
  let read = 0;
  const after = store.logEntriesAfter.bind(store);
  const at = store.logEntriesAt.bind(store);
  store.logEntriesAfter = async (...args) => {
    const out = await after(...args);
    read += out.length;
    return out;
  };
  store.logEntriesAt = async (...args) => {
    const out = await at(...args);
    read += out.length;
    return out;
  };
  return { entriesRead: () => read };
}

describe('the logbook index', () => {
  it('a year is read through the index: that year’s entries, not the chain', async () => {
    const store = new MemoryHistoryStore();
    logDrives(store, '2025-01-01T08:00:00Z', 365);
    const [first2026] = logDrives(store, '2026-01-01T08:00:00Z', 20);
    await appendToLogbook(store, VIN, { kind: 'annotation', driveId: first2026!.id, purpose: 'business', note: 'site visit', at: Date.parse('2026-02-01') });
    await catchUpLogIndex(store, VIN);
    const { entriesRead } = counting(store);
    const rows = logbookRows(await loggedDrivesOfYear(store, VIN, 2026, never), 2026, 'UTC');
    expect(rows).toHaveLength(20);
    expect(rows[0]).toMatchObject({ purpose: 'business', note: 'site visit', edits: 0 });
    expect(entriesRead()).toBe(22); // 20 drive entries, one note and New Year's Eve's drive (a day either side), of 386
    expect((await latestAnnotation(store, VIN, first2026!.id, never))?.note).toBe('site visit');
    expect(entriesRead()).toBe(23);
  });

  it('a long chain without an index (after an upgrade) is indexed a part per call: 503 until done, then whole', async () => {
    const store = new MemoryHistoryStore();
    logDrives(store, '2024-01-01T08:00:00Z', 1200);
    let refusals = 0;
    for (;;) {
      try {
        await requireLogIndex(store, VIN, pages(1));
        break;
      } catch (error) {
        expect(error).toBeInstanceOf(LogbookIndexingError);
        refusals += 1;
      }
    }
    expect(refusals).toBe(2); // 500, 1000, then 1200 and done
    expect(await store.logIndexedThrough(VIN)).toBe(1200);
    expect(await verifyLogbook(store, VIN, null)).toMatchObject({ intact: true, complete: true, entries: 1200 });
  });

  it('applying entries twice, or in any order, gives the same index', async () => {
    const store = new MemoryHistoryStore();
    const [drive] = logDrives(store, '2026-03-01T08:00:00Z', 1);
    for (const note of ['a', 'b', 'c']) await appendToLogbook(store, VIN, { kind: 'annotation', driveId: drive!.id, purpose: null, note, at: 1 });
    const once = await store.logIndexItem(VIN, drive!.id);
    const entries: LogEntry[] = store.logEntries(VIN);
    await store.applyToLogIndex(VIN, indexUpdates([...entries].reverse()), 4);
    await store.applyToLogIndex(VIN, indexUpdates(entries.slice(1, 3)), 3);
    expect(await store.logIndexItem(VIN, drive!.id)).toEqual(once);
    expect(once).toEqual({ driveId: drive!.id, driveSeq: 1, noteSeq: 4, notes: 3 });
    expect(await store.logIndexedThrough(VIN)).toBe(4);
  });

  it('a verify that runs out of time claims nothing', async () => {
    const store = new MemoryHistoryStore();
    logDrives(store, '2024-01-01T08:00:00Z', 1500);
    await catchUpLogIndex(store, VIN);
    expect(await verifyLogbook(store, VIN, null, () => true)).toMatchObject({ intact: null, complete: false });
  });
});
