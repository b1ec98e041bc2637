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
  /**
   * Present only on a drive imported from another logger (absent otherwise, so entries sealed before this field
   * existed hash as they did): where it came from and the names that logger gave its ends.
   */
  imported?: { source: 'teslafi' | 'teslamate'; fromName: string | null; toName: string | null };
  /**
   * What bounds its times (ms): it began after `startedAfter` and by `startedBy`, ended after `endedAfter` and by
   * `endedBy`. On entries sealed since the bounds were kept; absent on older ones, which hash as they did.
   */
  times?: DriveTimeBounds;
}

export interface DriveTimeBounds {
  startedAfter: number;
  startedBy: number;
  endedAfter: number;
  endedBy: number;
}

/** A drive's time bounds: the readings' and, where it tightens them, the car's sleep. */
export function timeBounds(drive: Drive): DriveTimeBounds {
  return {
    startedAfter: drive.startedAfter ?? drive.start.at,
    startedBy: drive.startedBy,
    endedAfter: drive.endedAfter,
    endedBy: drive.endedBy ?? drive.end.at,
  };
}

/** The best single time within bounds: their middle, which is never further than half their width from the truth. */
export const estimateWithin = (after: number, by: number): number => after + Math.round((by - after) / 2);

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
    times: timeBounds(drive),
    ...(drive.imported
      ? { imported: { source: drive.imported.source, fromName: drive.imported.fromName ?? null, toName: drive.imported.toName ?? null } }
      : {}),
  };
}

/** The entry that follows `previous` (null for the first), with its hash. */
export function sealEntry(vin: string, previous: Pick<LogEntry, 'seq' | 'hash'> | null, content: LogContent): LogEntry {
  const seq = (previous?.seq ?? 0) + 1;
  const prevHash = previous?.hash ?? GENESIS_HASH;
  return { ...content, vin, seq, prevHash, hash: hashOf(vin, seq, prevHash, content) };
}

export function hashOf(vin: string, seq: number, prevHash: string, content: LogContent): string {
  return createHash('sha256')
    .update(canonical({ ...content, vin, seq, prevHash }))
    .digest('hex');
}

/** JSON with sorted keys, so the hash depends on the content only. */
export function canonical(value: unknown): string {
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

export interface LogbookRow {
  driveId: string;
  /** The best estimates of its start and end (the middle of their bounds), in the owner's time zone. */
  start: string;
  end: string;
  /** The bounds of its start and end as sealed (null on entries sealed before bounds were kept). */
  startEarliest: string | null;
  startLatest: string | null;
  endEarliest: string | null;
  endLatest: string | null;
  startOdometerMi: number;
  endOdometerMi: number;
  distanceMi: number;
  distanceKm: number;
  purpose: DrivePurpose | null;
  note: string | null;
  from: string | null;
  to: string | null;
  /**
   * The names of where it began and ended: the owner's place there now (not sealed: a place can be renamed), else the
   * name the other logger gave an imported drive's end (sealed with it).
   */
  fromPlace: string | null;
  toPlace: string | null;
  /** The logger an imported drive came from (`teslafi`, `teslamate`); null for drives collected here. */
  imported: string | null;
  /** The drive's entry: its hash, chained to the entry before it. */
  hash: string;
  prevHash: string;
  /** Annotations made after the first (the earlier versions stay in the chain). */
  edits: number;
}

/** A logged drive as the chain says now: its entry, its newest annotation, how many annotations it has. */
export interface LoggedDriveView {
  drive: LogEntry & LogDriveFacts;
  latest: LogAnnotation | null;
  notes: number;
}

type Point = LogDriveFacts['from'];

/**
 * One row per logged drive that started in `year` in the owner's time zone, with its latest annotation. `placeName`
 * names a recorded position by the owner's places.
 */
export function logbookRows(
  logged: readonly LoggedDriveView[],
  year: number,
  timeZone: string,
  placeName: (point: NonNullable<Point>) => string | null = () => null,
): LogbookRow[] {
  const format = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
  const local = (ms: number): string => format.format(ms).replace(' ', 'T');
  const place = (p: Point): string | null => (p ? `${p.latitude.toFixed(5)},${p.longitude.toFixed(5)}` : null);
  const named = (p: Point, imported: string | null | undefined): string | null => (p ? placeName(p) : null) ?? imported ?? null;
  return logged
    .filter(({ drive }) => local(drive.startAt).startsWith(`${year}-`))
    .sort((a, b) => a.drive.startAt - b.drive.startAt)
    .map(({ drive: e, latest, notes }) => ({
      driveId: e.driveId,
      start: local(e.times ? estimateWithin(e.times.startedAfter, e.times.startedBy) : e.startAt),
      end: local(e.times ? estimateWithin(e.times.endedAfter, e.times.endedBy) : e.endAt),
      startEarliest: e.times ? local(e.times.startedAfter) : null,
      startLatest: e.times ? local(e.times.startedBy) : null,
      endEarliest: e.times ? local(e.times.endedAfter) : null,
      endLatest: e.times ? local(e.times.endedBy) : null,
      startOdometerMi: e.startOdometerMi,
      endOdometerMi: e.endOdometerMi,
      distanceMi: e.distanceMi,
      distanceKm: Math.round(e.distanceMi * 1609.344) / 1000,
      purpose: latest?.purpose ?? null,
      note: latest?.note ?? null,
      from: place(e.from),
      to: place(e.to),
      fromPlace: named(e.from, e.imported?.fromName),
      toPlace: named(e.to, e.imported?.toName),
      imported: e.imported?.source ?? null,
      hash: e.hash,
      prevHash: e.prevHash,
      edits: Math.max(0, notes - 1),
    }));
}

export { isTimeZone } from '../wall-time';
