import { describe, expect, it } from '@jest/globals';
import { deriveHistory } from '../../../shared/domain/history/history-machine';
import { driveFacts, logbookRows, type LogEntry } from '../../../shared/domain/history/logbook';
import type { Drive } from '../../../shared/domain/history/history-records';
import { loggedDrivesOfYear } from '../../../shared/domain/history/logbook-reads';
import { verifyChain } from '../../../shared/domain/history/logbook-verify';
import { appendToLogbook } from '../../../shared/domain/history/logbook-append';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import { MemoryHistoryStore } from '../../support/memory-history-store';

const VIN = '5YJ3E7EB0SF000001';
const at = (iso: string) => Date.parse(iso);

/** Three drives: two in 2026 (the second ends the year in Berlin, after midnight local time) and one in 2027. */
function drives() {
  const reading = (iso: string, odometer: number, gear: 'P' | 'D') =>
    snapshotFromVehicleData(VIN, { vehicle_state: { odometer, timestamp: at(iso) }, drive_state: { shift_state: gear, speed: gear === 'D' ? 40 : null } }, 0);
  return deriveHistory(
    [
      reading('2026-06-01T07:00:00Z', 100, 'P'),
      reading('2026-06-01T07:10:00Z', 105, 'D'),
      reading('2026-06-01T07:20:00Z', 110, 'P'),
      reading('2026-12-31T22:40:00Z', 110, 'P'),
      reading('2026-12-31T22:50:00Z', 112, 'D'),
      reading('2026-12-31T23:10:00Z', 115, 'P'),
      reading('2027-01-02T09:00:00Z', 130, 'P'),
    ],
    { packKwh: 75 },
  ).drives;
}

async function logged() {
  const store = new MemoryHistoryStore();
  const list = drives();
  for (const d of list) await appendToLogbook(store, VIN, driveFacts(d));
  await appendToLogbook(store, VIN, { kind: 'annotation', driveId: list[0]!.id, purpose: 'business', note: 'client visit', at: at('2026-06-02T10:00:00Z') });
  await appendToLogbook(store, VIN, {
    kind: 'annotation',
    driveId: list[0]!.id,
    purpose: 'business',
    note: 'client visit, Acme',
    at: at('2026-06-03T10:00:00Z'),
  });
  return { store, list, byId: new Map(list.map((d) => [d.id, d])) };
}

describe('the trip logbook', () => {
  it('chains every entry to the one before, and a retried drive is logged once', async () => {
    const { store, list, byId } = await logged();
    await appendToLogbook(store, VIN, driveFacts(list[2]!)); // the collector retried
    const entries = store.logEntries(VIN);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    expect(verifyChain(VIN, entries, byId)).toEqual({
      intact: true,
      complete: true,
      entries: 5,
      head: { seq: 5, hash: entries.at(-1)!.hash },
      brokenAtSeq: null,
      changedDrives: [],
      changedDriveCount: 0,
      missingDrives: [],
      missingDriveCount: 0,
      lostEntries: 0,
      indexMismatches: [],
      keptHead: null,
    });
  });

  it('shows any change to what was logged: an odometer figure, a removed entry, entries swapped, a drive changed since', async () => {
    const { store, byId } = await logged();
    const entries = store.logEntries(VIN);
    const edited = entries.map((e) =>
      e.seq === 2 ? ({ ...e, endOdometerMi: (e as LogEntry & { endOdometerMi: number }).endOdometerMi + 10 } as LogEntry) : e,
    );
    expect(verifyChain(VIN, edited, byId)).toMatchObject({ intact: false, brokenAtSeq: 2 });
    expect(
      verifyChain(
        VIN,
        entries.filter((e) => e.seq !== 3),
        byId,
      ),
    ).toMatchObject({ intact: false, brokenAtSeq: 4 });
    expect(
      verifyChain(
        VIN,
        [entries[1]!, entries[0]!, ...entries.slice(2)].map((e, i) => ({ ...e, seq: i + 1 })),
        byId,
      ),
    ).toMatchObject({ intact: false, brokenAtSeq: 1 });
    const first = [...byId.values()][0]!;
    const changed = new Map(byId).set(first.id, { ...first, distanceMi: first.distanceMi + 1 });
    expect(verifyChain(VIN, entries, changed)).toMatchObject({ intact: false, brokenAtSeq: null, changedDrives: [first.id] });
  });

  it('seals each drive’s time bounds; entries sealed before bounds were kept still verify, and show no bounds', async () => {
    const store = new MemoryHistoryStore();
    const list = drives();
    const { times: _sealedLater, ...older } = driveFacts(list[0]!);
    await appendToLogbook(store, VIN, older); // as an entry sealed by an earlier version
    for (const d of list.slice(1)) await appendToLogbook(store, VIN, driveFacts(d));
    const byId = new Map(list.map((d) => [d.id, d]));
    expect(verifyChain(VIN, store.logEntries(VIN), byId)).toMatchObject({ intact: true, changedDriveCount: 0 });
    const rows = logbookRows(await loggedDrivesOfYear(store, VIN, 2026, () => false), 2026, 'UTC');
    expect(rows[0]).toMatchObject({ start: '2026-06-01T07:00', startEarliest: null, startLatest: null });
    // A bound that moved since it was sealed is a change.
    const second = list[1]!;
    const moved = new Map(byId).set(second.id, { ...second, startedAfter: second.start.at + 60_000 });
    expect(verifyChain(VIN, store.logEntries(VIN), moved)).toMatchObject({ intact: false, changedDrives: [second.id] });
  });

  it('lists a year’s drives in the owner’s time zone, with the latest purpose and note and how often they were edited', async () => {
    const { store } = await logged();
    const rows = async (year: number, tz: string) => logbookRows(await loggedDrivesOfYear(store, VIN, year, () => false), year, tz);
    const utc = await rows(2026, 'UTC');
    // Each start is the middle of its bounds, which are listed too. The third drive, seen only by its odometer, is
    // listed in the year its earliest possible start falls in (the last reading of 2026, UTC).
    expect(utc.map((r) => [r.start, r.startEarliest, r.startLatest, r.distanceMi])).toEqual([
      ['2026-06-01T07:05', '2026-06-01T07:00', '2026-06-01T07:10', 10],
      ['2026-12-31T22:45', '2026-12-31T22:40', '2026-12-31T22:50', 5],
      ['2027-01-01T16:05', '2026-12-31T23:10', '2027-01-02T09:00', 15],
    ]);
    expect(utc[0]).toMatchObject({ purpose: 'business', note: 'client visit, Acme', edits: 1, startOdometerMi: 100, endOdometerMi: 110 });
    // In Berlin the second drive starts on New Year's Eve, 23:45, and ends in 2027; the third starts in 2027.
    expect((await rows(2026, 'Europe/Berlin')).map((r) => [r.start, r.end, r.endEarliest, r.endLatest])).toEqual([
      ['2026-06-01T09:05', '2026-06-01T09:15', '2026-06-01T09:10', '2026-06-01T09:20'],
      ['2026-12-31T23:45', '2027-01-01T00:00', '2026-12-31T23:50', '2027-01-01T00:10'],
    ]);
    expect((await rows(2027, 'Europe/Berlin')).map((r) => r.distanceMi)).toEqual([15]);
    expect(await rows(2027, 'UTC')).toEqual([]);
  });

  it('names the ends by the owner’s places, else by the name an imported drive came with, and marks imported drives', async () => {
    const store = new MemoryHistoryStore();
    const point = (latitude: number, longitude: number) => ({ at: 0, odometerMi: 0, batteryLevel: null, rangeMi: null, location: { latitude, longitude } });
    const base = (startAt: number) => ({
      vin: VIN,
      id: String(startAt),
      start: { ...point(52.53, 13.399), at: startAt, odometerMi: 100 },
      startedBy: startAt,
      endedAfter: startAt + 600_000,
      end: { ...point(52.588, 13.286), at: startAt + 600_000, odometerMi: 110 },
      distanceMi: 10,
      durationMs: 600_000,
      estimatedEnergyKwh: null,
      whPerMi: null,
      whPerKm: null,
      maxSpeedMph: null,
      readings: 2,
      mayHideStops: false,
    });
    const imported = {
      ...base(at('2026-03-01T08:00:00Z')),
      start: { ...base(0).start, at: at('2026-03-01T08:00:00Z'), location: null },
      end: { ...base(0).end, at: at('2026-03-01T08:10:00Z'), location: null },
      imported: { source: 'teslamate' as const, recordId: '7', fromName: 'Home (TeslaMate)', toName: null },
    };
    const collected = base(at('2026-03-02T08:00:00Z'));
    await appendToLogbook(store, VIN, driveFacts(imported));
    await appendToLogbook(store, VIN, driveFacts(collected));
    const home = (p: { latitude: number }) => (p.latitude === 52.53 ? 'Home' : null);
    const rows = logbookRows(await loggedDrivesOfYear(store, VIN, 2026, () => false), 2026, 'UTC', home);
    expect(rows.map((r) => [r.fromPlace, r.toPlace, r.imported])).toEqual([
      ['Home (TeslaMate)', null, 'teslamate'],
      ['Home', null, null],
    ]);
    // A drive collected here seals no `imported` key at all, so entries sealed before the field existed verify as before.
    expect(Object.keys(store.log[1]!)).not.toContain('imported');
    const recorded = new Map<string, Drive>([imported, collected].map((d) => [d.id, d]));
    expect(verifyChain(VIN, store.log, recorded)).toMatchObject({ intact: true });
    // The mark is sealed: a record that lost it no longer matches its entry.
    const unmarked = new Map(recorded).set(imported.id, { ...imported, imported: undefined });
    expect(verifyChain(VIN, store.log, unmarked)).toMatchObject({ intact: false, changedDrives: [imported.id] });
  });
});
