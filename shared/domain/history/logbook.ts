import { createHash } from 'node:crypto';
import type { Drive } from './history-records';

/**
 * The trip logbook: an append-only chain of entries, one when a drive is recorded and one for each purpose or note
 * the owner sets. Each entry's hash covers its content and the previous entry's hash, so changing, removing or
 * reordering anything recorded shows when the chain is verified. Edits never rewrite: a new annotation is a new entry
 * and the earlier ones stay.
 */
export type DrivePurpose = 'business' | 'private' | 'commute';
export const DRIVE_PURPOSES: readonly DrivePurpose[] = ['business', 'private', 'commute'];

export interface LogDriveFacts {
  kind: 'drive';
  driveId: string;
  startAt: number;
  endAt: number;
  startOdometerMi: number;
  endOdometerMi: number;
  distanceMi: number;
  from: { latitude: number; longitude: number } | null;
  to: { latitude: number; longitude: number } | null;
}

export interface LogAnnotation {
  kind: 'annotation';
  driveId: string;
  purpose: DrivePurpose | null;
  note: string | null;
  /** When the owner made the change (ms). */
  at: number;
}

export type LogContent = LogDriveFacts | LogAnnotation;

export type LogEntry = LogContent & { vin: string; seq: number; prevHash: string; hash: string };

export const GENESIS_HASH = '0'.repeat(64);

export function driveFacts(drive: Drive): LogDriveFacts {
  return {
    kind: 'drive',
    driveId: drive.id,
    startAt: drive.start.at,
    endAt: drive.end.at,
    startOdometerMi: drive.start.odometerMi,
    endOdometerMi: drive.end.odometerMi,
    distanceMi: drive.distanceMi,
    from: drive.start.location,
    to: drive.end.location,
  };
}

/** The entry that follows `previous` (null for the first), with its hash. */
export function sealEntry(vin: string, previous: Pick<LogEntry, 'seq' | 'hash'> | null, content: LogContent): LogEntry {
  const seq = (previous?.seq ?? 0) + 1;
  const prevHash = previous?.hash ?? GENESIS_HASH;
  return { ...content, vin, seq, prevHash, hash: hashOf(vin, seq, prevHash, content) };
}

function hashOf(vin: string, seq: number, prevHash: string, content: LogContent): string {
  return createHash('sha256').update(canonical({ ...content, vin, seq, prevHash })).digest('hex');
}

/** JSON with sorted keys, so the hash depends on the content only. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The newest entry of the chain, as the owner keeps it outside the system (`<seq>:<hash>`, printed on every export).
 * A head kept earlier proves that nothing up to it was changed, removed or re-sealed since: the chain's own hashes
 * cannot, because whoever can write the table can also recompute them.
 */
export interface ChainHead {
  seq: number;
  hash: string;
}

export const formatHead = (head: ChainHead): string => `${head.seq}:${head.hash}`;

export function parseHead(text: string): ChainHead | null {
  const match = /^(\d{1,12}):([0-9a-f]{64})$/.exec(text.trim());
  return match ? { seq: Number(match[1]), hash: match[2]! } : null;
}

export interface ChainCheck {
  intact: boolean;
  entries: number;
  /** The chain's newest entry now: keep it to check later that nothing up to it changed. Null for an empty chain. */
  head: ChainHead | null;
  /** The first entry that does not follow from the one before (changed, removed or reordered), if any. */
  brokenAtSeq: number | null;
  /** Drives whose recorded figures no longer match the logbook (history changed after it was logged). */
  changedDrives: string[];
  /** Drives recorded since the logbook began that have no entry in it (an entry removed, the tail cut off). */
  missingDrives: string[];
  /** Against a head kept earlier: the chain still holds it, or it lost entries, or that entry is not the same. */
  keptHead: 'matches' | 'missing' | 'differs' | null;
}

/**
 * Walks the chain from the first entry and checks it is whole: each entry follows from the one before, each drive
 * entry matches the drive as recorded now, every drive recorded since the first logged one has its entry, and, when
 * the owner gives a head kept earlier, the chain still holds that very entry.
 */
export function verifyChain(vin: string, entries: readonly LogEntry[], currentDrives: ReadonlyMap<string, Drive>, keptHead: ChainHead | null = null): ChainCheck {
  let previous: LogEntry | null = null;
  let brokenAtSeq: number | null = null;
  const changedDrives: string[] = [];
  const logged = new Set<string>();
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  for (const entry of sorted) {
    const { vin: _v, seq, prevHash, hash, ...content } = entry;
    const expectedSeq = (previous?.seq ?? 0) + 1;
    const expectedPrev = previous?.hash ?? GENESIS_HASH;
    if (brokenAtSeq === null && (seq !== expectedSeq || prevHash !== expectedPrev || hash !== hashOf(vin, seq, prevHash, content))) brokenAtSeq = seq;
    if (entry.kind === 'drive') {
      logged.add(entry.driveId);
      const now = currentDrives.get(entry.driveId);
      const facts = now ? driveFacts(now) : null;
      if (facts === null || canonical(facts) !== canonical({ ...content })) changedDrives.push(entry.driveId);
    }
    previous = entry;
  }
  const missingDrives = [...currentDrives.keys()].filter((id) => !logged.has(id));
  const last = sorted.at(-1);
  const head = last ? { seq: last.seq, hash: last.hash } : null;
  let kept: ChainCheck['keptHead'] = null;
  if (keptHead) {
    const atKept = sorted.find((e) => e.seq === keptHead.seq);
    kept = atKept === undefined ? 'missing' : atKept.hash === keptHead.hash ? 'matches' : 'differs';
  }
  const intact = brokenAtSeq === null && changedDrives.length === 0 && missingDrives.length === 0 && (kept === null || kept === 'matches');
  return { intact, entries: entries.length, head, brokenAtSeq, changedDrives, missingDrives, keptHead: kept };
}

export interface LogbookRow {
  driveId: string;
  start: string;
  end: string;
  startOdometerMi: number;
  endOdometerMi: number;
  distanceMi: number;
  distanceKm: number;
  purpose: DrivePurpose | null;
  note: string | null;
  from: string | null;
  to: string | null;
  /** The drive's entry: its hash, chained to the entry before it. */
  hash: string;
  prevHash: string;
  /** Annotations made after the first (the earlier versions stay in the chain). */
  edits: number;
}

/** One row per logged drive that started in `year` in the owner's time zone, with its latest annotation. */
export function logbookRows(entries: readonly LogEntry[], year: number, timeZone: string): LogbookRow[] {
  const format = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
  const local = (ms: number): string => format.format(ms).replace(' ', 'T');
  const annotations = new Map<string, LogAnnotation[]>();
  for (const e of entries) if (e.kind === 'annotation') annotations.set(e.driveId, [...(annotations.get(e.driveId) ?? []), e]);
  const place = (p: LogDriveFacts['from']): string | null => (p ? `${p.latitude.toFixed(5)},${p.longitude.toFixed(5)}` : null);
  return entries
    .filter((e): e is LogEntry & LogDriveFacts => e.kind === 'drive' && local(e.startAt).startsWith(`${year}-`))
    .sort((a, b) => a.startAt - b.startAt)
    .map((e) => {
      const edits = annotations.get(e.driveId) ?? [];
      const latest = edits.at(-1);
      return {
        driveId: e.driveId,
        start: local(e.startAt),
        end: local(e.endAt),
        startOdometerMi: e.startOdometerMi,
        endOdometerMi: e.endOdometerMi,
        distanceMi: e.distanceMi,
        distanceKm: Math.round(e.distanceMi * 1609.344) / 1000,
        purpose: latest?.purpose ?? null,
        note: latest?.note ?? null,
        from: place(e.from),
        to: place(e.to),
        hash: e.hash,
        prevHash: e.prevHash,
        edits: Math.max(0, edits.length - 1),
      };
    });
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
