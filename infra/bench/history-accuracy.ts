import type { ChargingSession, Drive } from '../../shared/domain/history/history-records';
import type { ChargeSession, Trip } from '../simulator/sim-car-types';
import { estimateWithin, timeBounds } from '../../shared/domain/history/logbook';
import { MIN_HIDDEN_STOP_MS } from '../../shared/domain/history/drive-fold';
import { HOUR_MS } from '../../shared/domain/clock';

export interface HistoryAccuracy {
  drivesDriven: number;
  drivesDerived: number;
  /** Trips matched one to one by a derived drive (the drive's bounds contain the trip and no other). */
  drivesMatched: number;
  /** Trips that share a derived drive with another trip (a stop shorter than the readings could see). */
  tripsMerged: number;
  /** Derived drives flagged as possibly hiding stops. */
  drivesFlagged: number;
  /** One-to-one drives flagged all the same (false flags): those no moving reading saw, and the others. */
  falseFlags: { unseen: number; seen: number };
  /**
   * Derived drives that cover more than one trip with a stop between them of MIN_HIDDEN_STOP_MS or more, and how many
   * of them are flagged (all should be); and those whose stops were all shorter (a traffic light's length: the flag
   * does not claim them).
   */
  mergedDrives: number;
  mergedDrivesFlagged: number;
  mergedByShortStops: number;
  largestDistanceErrorMi: number;
  /**
   * How far the times a one-to-one drive is logged with (the middle of its bounds, as the logbook gives them) are
   * from when the trip really started and ended: minutes either way, median and largest.
   */
  startErrorMinutes: { median: number; largest: number };
  endErrorMinutes: { median: number; largest: number };
  /** One-to-one drives whose bounds do not contain the trip's true start or end (each one a false statement). */
  boundsMissed: number;
  /** |estimated − true| energy of one-to-one drives of a mile or more, as a share of the true energy; and how many had none. */
  energyErrorShare: { median: number; largest: number };
  drivesWithoutEnergy: number;
  sessionsCharged: number;
  sessionsDerived: number;
  sessionsMatched: number;
  /** Sessions charged at a DC fast charger. */
  sessionsDc: number;
  /** Largest |derived − true| kWh as a share of the true kWh, among matched sessions. */
  largestKwhErrorShare: number;
  /** Energy drawn from the charger: matched sessions that gave it, and |derived − true| as a share of the truth. */
  drawn: { sessions: number; largestErrorShare: number; lossPercent: { derived: number; truth: number } };
}

const overlaps = (a: { from: number; to: number }, b: { from: number; to: number }): boolean => a.from <= b.to && b.from <= a.to;

/** Compares derived drives and charging sessions with what the simulated car really did. */
export function historyAccuracy(
  trips: readonly Trip[],
  sessions: readonly ChargeSession[],
  drives: readonly Drive[],
  charges: readonly ChargingSession[],
  end: number,
): HistoryAccuracy {
  const closed = trips.filter((t) => t.endAt !== null && t.endAt <= end);
  const closedSessions = sessions.filter((s) => s.endAt !== null && s.endAt <= end && s.energyKwh > 0.1);
  const d = driveAccuracyOf(closed, drives);
  const c = chargeAccuracyOf(closedSessions, charges);
  return {
    drivesDriven: closed.length,
    drivesDerived: drives.length,
    drivesMatched: d.matched,
    tripsMerged: d.merged,
    drivesFlagged: drives.filter((x) => x.mayHideStops).length,
    mergedDrives: d.mergedDrives,
    mergedDrivesFlagged: d.mergedDrivesFlagged,
    mergedByShortStops: d.mergedByShortStops,
    falseFlags: d.falseFlags,
    largestDistanceErrorMi: d.largestDistanceErrorMi,
    startErrorMinutes: spread(d.startError),
    endErrorMinutes: spread(d.endError),
    boundsMissed: d.boundsMissed,
    energyErrorShare: spread(d.energyError),
    drivesWithoutEnergy: d.withoutEnergy,
    sessionsCharged: closedSessions.length,
    sessionsDerived: charges.length,
    sessionsMatched: c.sessionsMatched,
    sessionsDc: closedSessions.filter((s) => s.dc).length,
    largestKwhErrorShare: c.largestKwhErrorShare,
    drawn: c.drawn,
  };
}

/** Each finished trip is found in the derived drive that covers it; a drive covering one trip is one to one. */
function driveAccuracyOf(closed: readonly Trip[], drives: readonly Drive[]) {
  const byDrive = new Map<Drive, Trip[]>();
  for (const trip of closed) {
    const covering = drives.find((d) => d.start.at <= trip.startAt && d.end.at >= trip.endAt!);
    if (covering) byDrive.set(covering, [...(byDrive.get(covering) ?? []), trip]);
  }
  const out = {
    matched: 0,
    merged: 0,
    mergedDrives: 0,
    mergedDrivesFlagged: 0,
    mergedByShortStops: 0,
    falseFlags: { unseen: 0, seen: 0 },
    largestDistanceErrorMi: 0,
    startError: [] as number[],
    endError: [] as number[],
    boundsMissed: 0,
    energyError: [] as number[],
    withoutEnergy: 0,
  };
  for (const [drive, covered] of byDrive) {
    if (covered.length === 1) {
      const trip = covered[0]!;
      out.matched += 1;
      if (drive.mayHideStops) {
        out.falseFlags[drive.readings === 0 ? 'unseen' : 'seen'] += 1;
        debugDrive('false flag', drive, [trip]);
      }
      out.largestDistanceErrorMi = Math.max(out.largestDistanceErrorMi, Math.abs(drive.distanceMi - (trip.endOdometerMi! - trip.startOdometerMi)));
      const t = timeBounds(drive);
      out.startError.push(Math.abs(estimateWithin(t.startedAfter, t.startedBy) - trip.startAt) / 60_000);
      out.endError.push(Math.abs(estimateWithin(t.endedAfter, t.endedBy) - trip.endAt!) / 60_000);
      const within = (at: number, after: number, by: number): boolean => at >= after && at <= by;
      if (!within(trip.startAt, t.startedAfter, t.startedBy) || !within(trip.endAt!, t.endedAfter, t.endedBy)) out.boundsMissed += 1;
      const trueKwh = trip.energyKwh ?? 0;
      if (trip.endOdometerMi! - trip.startOdometerMi >= 1 && trueKwh > 0) {
        if (drive.estimatedEnergyKwh === null) out.withoutEnergy += 1;
        else out.energyError.push(energyError(drive, trip, trueKwh));
      }
    } else {
      out.merged += covered.length;
      if (longestStopMs(covered) < MIN_HIDDEN_STOP_MS) out.mergedByShortStops += 1;
      else {
        out.mergedDrives += 1;
        if (drive.mayHideStops) out.mergedDrivesFlagged += 1;
      }
      debugDrive(drive.mayHideStops ? 'merged, flagged' : 'merged, not flagged', drive, covered);
    }
  }
  return out;
}

/** The longest stop between trips one derived drive covers. */
function longestStopMs(trips: readonly Trip[]): number {
  const sorted = [...trips].sort((a, b) => a.startAt - b.startAt);
  return Math.max(...sorted.slice(1).map((t, i) => t.startAt - sorted[i]!.endAt!));
}

/** A time as the bench's debug lines print it: month, day, hours and minutes (UTC); '-' when unknown. */
export function benchMinute(ms: number | null | undefined): string {
  return ms == null ? '-' : new Date(ms).toISOString().slice(5, 16);
}

/** With BENCH_DEBUG, a drive whose flag is wrong, or that merged trips, is printed beside the trips it covers. */
function debugDrive(what: string, drive: Drive, trips: readonly Trip[]): void {
  if (!process.env.BENCH_DEBUG) return;
  const b = timeBounds(drive);
  // eslint-disable-next-line no-console -- the bench's own report, asked for with BENCH_DEBUG
  console.log(
    `    ${what}: ${drive.distanceMi.toFixed(1)} mi, ${drive.readings} moving readings, start ${benchMinute(b.startedAfter)}..${benchMinute(b.startedBy)} end ${benchMinute(b.endedAfter)}..${benchMinute(b.endedBy)}; trips ${trips.map((x) => `${benchMinute(x.startAt)}-${benchMinute(x.endAt)} ${(x.endOdometerMi! - x.startOdometerMi).toFixed(1)} mi`).join(', ')}`,
  );
}

/** A drive's energy error against its trip's, as a share; with BENCH_DEBUG, a drive more than 5 % off is printed. */
function energyError(drive: Drive, trip: Trip, trueKwh: number): number {
  const error = Math.abs(drive.estimatedEnergyKwh! - trueKwh) / trueKwh;
  if (process.env.BENCH_DEBUG && error > 0.05)
    // eslint-disable-next-line no-console -- the bench's own report, asked for with BENCH_DEBUG
    console.log(
      `    energy off ${(error * 100).toFixed(0)} %: ${new Date(trip.startAt).toISOString()} ${drive.distanceMi.toFixed(1)} mi, ${drive.estimatedEnergyKwh} kWh (${drive.energyEstimate}) vs ${trueKwh.toFixed(2)}; start ${JSON.stringify(drive.start)} end ${JSON.stringify(drive.end)}`,
    );
  return error;
}

/** A charging session is matched when exactly one derived session overlaps it; its kWh are then compared. */
function chargeAccuracyOf(closedSessions: readonly ChargeSession[], charges: readonly ChargingSession[]) {
  let sessionsMatched = 0;
  let largestKwhErrorShare = 0;
  const drawn = { sessions: 0, largestErrorShare: 0, used: 0, added: 0, trueUsed: 0, trueAdded: 0 };
  for (const session of closedSessions) {
    const derived = derivedSessionOf(session, charges);
    if (derived === null) {
      debugUnmatchedSession(session, charges);
      continue;
    }
    sessionsMatched += 1;
    largestKwhErrorShare = Math.max(largestKwhErrorShare, Math.abs(derived.energyAddedKwh! - session.energyKwh) / session.energyKwh);
    if (derived.energyUsedKwh === undefined) continue;
    drawn.sessions += 1;
    drawn.largestErrorShare = Math.max(drawn.largestErrorShare, Math.abs(derived.energyUsedKwh - session.drawnKwh) / session.drawnKwh);
    drawn.used += derived.energyUsedKwh;
    drawn.added += derived.energyAddedKwh!;
    drawn.trueUsed += session.drawnKwh;
    drawn.trueAdded += session.energyKwh;
  }
  const loss = (used: number, added: number) => (used > 0 ? ((used - added) / used) * 100 : 0);
  return {
    sessionsMatched,
    largestKwhErrorShare,
    drawn: {
      sessions: drawn.sessions,
      largestErrorShare: drawn.largestErrorShare,
      lossPercent: { derived: loss(drawn.used, drawn.added), truth: loss(drawn.trueUsed, drawn.trueAdded) },
    },
  };
}

/** With BENCH_DEBUG, a true session no single derived one matched, beside the derived sessions around it. */
function debugUnmatchedSession(session: ChargeSession, charges: readonly ChargingSession[]): void {
  if (!process.env.BENCH_DEBUG) return;
  const near = charges.filter((c) => overlaps({ from: c.startedAfter - HOUR_MS, to: c.endBy + HOUR_MS }, { from: session.startAt, to: session.endAt! }));
  // eslint-disable-next-line no-console -- the bench's own report, asked for with BENCH_DEBUG
  console.log(
    `    session not matched: ${benchMinute(session.startAt)}-${benchMinute(session.endAt)} ${session.energyKwh.toFixed(2)} kWh; derived near it: ${near.map((c) => `${benchMinute(c.startedAfter)}..${benchMinute(c.endBy)} ${c.energyAddedKwh ?? '?'} kWh`).join(', ') || 'none'}`,
  );
}

/** The one derived session that overlaps a finished true one and counted its energy, or null (none, or several). */
export function derivedSessionOf(session: ChargeSession, charges: readonly ChargingSession[]): ChargingSession | null {
  const derived = charges.filter((c) => overlaps({ from: c.startedAfter, to: c.endBy }, { from: session.startAt, to: session.endAt! }));
  return derived.length === 1 && derived[0]!.energyAddedKwh !== null ? derived[0]! : null;
}

function spread(minutes: number[]): { median: number; largest: number } {
  const sorted = [...minutes].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? 0, largest: sorted[sorted.length - 1] ?? 0 };
}
