import { memoryApiDeps } from '../../support/memory-api-deps';
import type { Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { createApiHandler } from '../../../functions/api/create-handler';
import { recordHistory } from '../../../shared/domain/history/history-recorder';
import { sealEntry, type LogEntry } from '../../../shared/domain/history/logbook';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import { ApiTokenVerifier } from '../../../shared/secrets/api-token-verifier';
import { httpEvent } from '../../support/api-events';
import { FakeFleetApi } from '../../support/fake-fleet-api';
import { MemoryCommandStores } from '../../support/memory-command-stores';
import { MemoryHistoryStore } from '../../support/memory-history-store';
import { MemoryStores } from '../../support/memory-stores';

/**
 * The logbook's one promise, tried as someone with write access to the stored items would break it: each tamper
 * edits the items directly, and verify must report it.
 */
const TOKEN = 'test-api-token-0123456789';
const VIN = '5YJ3E7EB0SF000001';
const NOW = Date.parse('2026-06-20T12:00:00Z');
let history: MemoryHistoryStore;
let call: (path: string, query?: Record<string, string>, method?: string, body?: unknown) => Promise<{ status: number; body: any; text: string }>;

beforeEach(async () => {
  history = new MemoryHistoryStore();
  const stores = new MemoryStores();
  const commands = new MemoryCommandStores();
  // Four drives on four days, logged as the collector logs them, and a purpose set on the first.
  let odometer = 1000;
  for (let day = 0; day < 4; day++) {
    const start = Date.parse('2026-06-10T08:00:00Z') + day * 86_400_000;
    for (const [offset, gear] of [
      [0, 'P'],
      [5, 'D'],
      [10, 'D'],
      [15, 'P'],
    ] as const) {
      if (gear === 'D') odometer += 3;
      const snapshot = snapshotFromVehicleData(
        VIN,
        { vehicle_state: { odometer, timestamp: start + offset * 60_000 }, drive_state: { shift_state: gear, speed: gear === 'D' ? 35 : null } },
        0,
      );
      await stores.putSnapshot(snapshot);
      await recordHistory(history, snapshot);
    }
  }
  const handler = createApiHandler(
    memoryApiDeps({ stores, history, commands, fleet: new FakeFleetApi(), clock: { now: () => NOW } }),
    new ApiTokenVerifier(() => Promise.resolve(TOKEN)),
  );
  call = async (path, { csv, ...query } = {}, method = 'GET', body) => {
    const res = await handler(
      httpEvent(method, path, {
        token: TOKEN,
        query,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(csv ? { headers: { accept: 'text/csv' } } : {}),
      }),
      {} as Context,
    );
    return {
      status: res.statusCode!,
      text: res.body ?? '',
      body: res.headers?.['content-type']?.toString().startsWith('application/json') ? JSON.parse(res.body ?? 'null') : null,
    };
  };
  const [first] = (await call(`/vehicles/${VIN}/drives`, { from: '2026-06-01' })).body.drives;
  expect((await call(`/vehicles/${VIN}/drives/${first.id}`, {}, 'PATCH', { purpose: 'business' })).status).toBe(200);
});

interface Check {
  intact: boolean;
  head: string;
  [key: string]: unknown;
}
const verify = async (head?: string): Promise<Check> => (await call(`/vehicles/${VIN}/logbook/verify`, head ? { head } : {})).body as Check;
const mine = (): LogEntry[] => history.log.filter((e) => e.vin === VIN).sort((a, b) => a.seq - b.seq);
/** Re-seals every entry from `index` on, as someone who can write the table could. */
function reseal(entries: LogEntry[]): void {
  history.log.length = 0;
  let previous: LogEntry | null = null;
  for (const e of entries) {
    const { vin: _v, seq: _s, prevHash: _p, hash: _h, ...content } = e;
    previous = sealEntry(VIN, previous, content);
    history.log.push(previous);
  }
}

describe('logbook verify, against direct edits of the stored items', () => {
  it('an untouched logbook is intact, with its head to keep; the CSV export closes with that head', async () => {
    const check = await verify();
    expect(check).toMatchObject({ intact: true, entries: 5, missingDrives: [], changedDrives: [], brokenAtSeq: null, keptHead: null });
    expect(check.head).toMatch(/^5:[0-9a-f]{64}$/);
    expect(await verify(check.head)).toMatchObject({ intact: true, keptHead: 'matches' });
    const exported = await call(`/vehicles/${VIN}/logbook`, { year: '2026', csv: '1' });
    expect(exported.text.trim().split('\r\n').at(-1)).toContain(`logbook chain head ${check.head}`);
    expect((await call(`/vehicles/${VIN}/logbook`, { year: '2026' })).body.chainHead).toBe(check.head);
  });

  /** Removes the newest drive entry and every entry after it (the tail of the chain from that drive on). */
  const cutTailAtLastDrive = (): string => {
    const lastDrive = mine()
      .filter((e) => e.kind === 'drive')
      .at(-1)!;
    for (const e of mine()) if (e.seq >= lastDrive.seq) history.log.splice(history.log.indexOf(e), 1);
    return (lastDrive as { driveId: string }).driveId;
  };

  it('the tail cut off (the newest drive entry and every later one): the drive is recorded but not logged', async () => {
    const kept = (await verify()).head;
    const drive = cutTailAtLastDrive();
    expect(await verify()).toMatchObject({ intact: false, missingDrives: [drive] });
    expect(await verify(kept)).toMatchObject({ intact: false, keptHead: 'missing' });
  });

  it('the last drive removed with its entry and every later edit: the index remembers the lost entries', async () => {
    const kept = (await verify()).head;
    const drive = cutTailAtLastDrive();
    for (const [key, d] of history.drives) if (d.id === drive) history.drives.delete(key);
    expect(await verify()).toMatchObject({ intact: false, lostEntries: 2, indexMismatches: expect.arrayContaining([drive]) }); // and the note cut with it
    expect(await verify(kept)).toMatchObject({ intact: false, keptHead: 'missing' });
  });

  it('the same with the index edited to match: consistent with itself, only a head kept earlier shows it', async () => {
    const kept = (await verify()).head;
    const drive = cutTailAtLastDrive();
    for (const [key, d] of history.drives) if (d.id === drive) history.drives.delete(key);
    history.logIndex.delete(`${VIN}#${drive}`);
    history.indexedThrough.set(VIN, mine().at(-1)!.seq);
    expect(await verify()).toMatchObject({ intact: true }); // nothing inside can tell
    expect(await verify(kept)).toMatchObject({ intact: false, keptHead: 'missing' });
  });

  it('an index pointed at an older note shows in verify; pointed at something that is not the drive’s, reads refuse', async () => {
    const { drives } = (await call(`/vehicles/${VIN}/drives`, { from: '2026-06-01' })).body as { drives: Array<{ id: string }> };
    const id = drives[0]!.id;
    expect((await call(`/vehicles/${VIN}/drives/${id}`, {}, 'PATCH', { purpose: 'private' })).status).toBe(200);
    const item = history.logIndex.get(`${VIN}#${id}`)!;
    const newest = item.noteSeq!;
    item.noteSeq = Math.min(...item.noteSeqs); // the first purpose, business, would show again
    expect(await verify()).toMatchObject({ intact: false, indexMismatches: [id] });
    item.noteSeq = 1; // the first drive's entry, not a note
    const year = await call(`/vehicles/${VIN}/logbook`, { year: '2026' });
    expect(year).toMatchObject({ status: 409, body: { error: { code: 'logbook_damaged', message: expect.stringContaining('verify') } } });
    item.noteSeq = newest;
    expect(await verify()).toMatchObject({ intact: true });
  });

  it('a changed entry re-sealed so the chain holds together: the kept head differs', async () => {
    const kept = (await verify()).head;
    const entries = mine();
    const annotation = entries.find((e) => e.kind === 'annotation')!;
    (annotation as { purpose: string }).purpose = 'private';
    reseal(entries);
    expect(await verify()).toMatchObject({ intact: true });
    expect(await verify(kept)).toMatchObject({ intact: false, keptHead: 'differs' });
  });

  it('a changed entry not re-sealed, reordered entries, and swapped payloads are each found in the chain itself', async () => {
    const original = structuredClone(mine());
    const annotation = history.log.find((e) => e.kind === 'annotation')!;
    (annotation as { purpose: string }).purpose = 'private';
    expect(await verify()).toMatchObject({ intact: false, brokenAtSeq: annotation.seq });

    history.log.length = 0;
    history.log.push(...structuredClone(original));
    const [a, b] = [history.log[1]!, history.log[2]!];
    [a.seq, b.seq] = [b.seq, a.seq];
    expect((await verify()).brokenAtSeq).not.toBeNull();

    history.log.length = 0;
    history.log.push(...structuredClone(original));
    const drives = history.log.filter((e) => e.kind === 'drive') as Array<LogEntry & { distanceMi: number }>;
    [drives[0]!.distanceMi, drives[1]!.distanceMi] = [drives[1]!.distanceMi + 1, drives[0]!.distanceMi];
    expect(await verify()).toMatchObject({ intact: false });
  });

  it('a drive edited in the history after it was logged is named', async () => {
    const [key, drive] = [...history.drives.entries()][1]!;
    history.drives.set(key, { ...drive, distanceMi: drive.distanceMi + 5 });
    expect(await verify()).toMatchObject({ intact: false, changedDrives: [drive.id] });
  });

  it('a head that is not one is a 400 naming the format', async () => {
    const res = await call(`/vehicles/${VIN}/logbook/verify`, { head: 'abc' });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_query', message: expect.stringContaining('<entry number>:<64 hex digits>') } } });
  });
});

describe('logbook edits in parallel', () => {
  it('30 parallel purpose edits: each is saved or a 409 the client can retry, never a 500, and the chain stays whole', async () => {
    const { drives } = (await call(`/vehicles/${VIN}/drives`, { from: '2026-06-01' })).body as { drives: Array<{ id: string }> };
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, n) => call(`/vehicles/${VIN}/drives/${drives[n % drives.length]!.id}`, {}, 'PATCH', { note: `edit ${n}` })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    for (const busy of answers.filter((a) => a.status === 409)) expect(busy.body).toMatchObject({ error: { code: 'logbook_busy' } });
    const saved = statuses.filter((s) => s === 200).length;
    expect(await verify()).toMatchObject({ intact: true, entries: 5 + saved });
  });
});
