import type { ChargingSession, Drive } from '../domain/history/history-records';
import type { HistoryStore } from '../domain/history/history-store';
import { allPagesOf } from '../domain/history/history-page';
import { refreshMonthsOf } from '../domain/history/history-recorder';
import { driveFacts } from '../domain/history/logbook';
import { appendToLogbook } from '../domain/history/logbook-append';
import { catchUpLogIndex } from '../domain/history/logbook-index';
import type { VehicleStore } from '../domain/stores';
import { listImportedCar } from './import-history';
import type { TeslaMateHistory } from './teslamate';

export interface TeslaMateImportResult {
  drives: number;
  charges: number;
  /** Records left out because one recorded here (collected, or derived from a TeslaFi import) covers the same time. */
  overlapping: Array<{ kind: 'drive' | 'charge'; start: number; end: number }>;
  /** Drives newly sealed in the logbook (marked as imported). */
  logged: number;
  carAdded: boolean;
}

/**
 * Keeps TeslaMate's drives and sessions of one car as imported records, listed with the derived ones and never
 * replaced by re-deriving; logs the drives (in time order, marked as imported) and recomputes the months they fall
 * in. A record whose time a record already here covers is left out, so nothing is counted twice; importing the same
 * files again changes nothing (records are keyed by their start, and a logged drive is not logged again).
 */
export async function importTeslaMate(
  stores: { vehicles: VehicleStore; history: HistoryStore },
  vin: string,
  imported: Pick<TeslaMateHistory, 'drives' | 'charges' | 'displayName'>,
): Promise<TeslaMateImportResult> {
  const records = [...imported.drives.map((d) => [d.start.at, d.end.at]), ...imported.charges.map((c) => [c.start.at, c.end.at])];
  if (records.length === 0) return { drives: 0, charges: 0, overlapping: [], logged: 0, carAdded: false };
  const from = Math.min(...records.map(([s]) => s!));
  const to = Math.max(...records.map(([, e]) => e!));
  // A record here can begin well before the first imported one and still cover it (a drive no reading saw).
  const range = { fromMs: from - LOOK_BACK_MS, toMs: to, limit: 1000 };
  const storedDrives = await allPagesOf((cursor) => stores.history.listDrives(vin, { ...range, cursor }));
  const storedCharges = await allPagesOf((cursor) => stores.history.listCharges(vin, { ...range, cursor }));
  const overlapping: TeslaMateImportResult['overlapping'] = [];
  const drives = apart(imported.drives, storedDrives, (d) => [d.start.at, d.end.at], 'drive', overlapping);
  const charges = apart(imported.charges, storedCharges, (c) => [c.start.at, c.end.at], 'charge', overlapping);
  for (let i = 0; i < Math.max(drives.length, charges.length); i += CHUNK)
    await stores.history.keepImportedRecords(vin, { drives: drives.slice(i, i + CHUNK), charges: charges.slice(i, i + CHUNK) });
  await catchUpLogIndex(stores.history, vin);
  let logged = 0;
  for (const drive of drives) {
    if ((await stores.history.logIndexItem(vin, drive.id))?.driveSeq != null) continue;
    await appendToLogbook(stores.history, vin, driveFacts(drive));
    logged += 1;
  }
  await refreshMonthsOf(stores.history, vin, { drives, charges });
  const carAdded = await listImportedCar(stores.vehicles, vin, imported.displayName, { lastSeenAt: to, lastSnapshotAt: null });
  return { drives: drives.length, charges: charges.length, overlapping, logged, carAdded };
}

/** The imported records no record here overlaps (one kept from TeslaMate with the same start is the same record). */
function apart<T extends Drive | ChargingSession>(
  imported: readonly T[],
  stored: readonly T[],
  span: (r: T) => [number, number],
  kind: 'drive' | 'charge',
  overlapping: TeslaMateImportResult['overlapping'],
): T[] {
  const others = stored.filter((s) => s.imported?.source !== 'teslamate').map(span);
  return imported.filter((r) => {
    const [start, end] = span(r);
    // Overlapping, or at the same start (an instant record, start = end, overlaps nothing but has the same key).
    const covered = others.some(([s, e]) => (start < e && s < end) || s === start);
    if (covered) overlapping.push({ kind, start, end });
    return !covered;
  });
}

const LOOK_BACK_MS = 30 * 86_400_000;
const CHUNK = 200;
