import type { ChargingSession, Drive } from '../../shared/domain/history/history-records';
import type { ChargeSession, Trip } from '../simulator/sim-car-types';

export interface HistoryAccuracy {
  drivesDriven: number;
  drivesDerived: number;
  /** Trips matched one to one by a derived drive (the drive's bounds contain the trip and no other). */
  drivesMatched: number;
  /** Trips that share a derived drive with another trip (a stop shorter than the readings could see). */
  tripsMerged: number;
  /** Derived drives flagged as possibly hiding stops. */
  drivesFlagged: number;
  /** Derived drives that cover more than one trip, and how many of them are flagged (all should be). */
  mergedDrives: number;
  mergedDrivesFlagged: number;
  largestDistanceErrorMi: number;
  /**
   * How far the times a one-to-one drive is logged with (its last reading before and first reading after, as the
   * logbook gives them) are from when the trip really started and ended: minutes, median and largest.
   */
  startEarlyMinutes: { median: number; largest: number };
  endLateMinutes: { median: number; largest: number };
  sessionsCharged: number;
  sessionsDerived: number;
  sessionsMatched: number;
  /** Sessions charged at a DC fast charger. */
  sessionsDc: number;
  /** Largest |derived − true| kWh as a share of the true kWh, among matched sessions. */
  largestKwhErrorShare: number;
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
  const byDrive = new Map<Drive, Trip[]>();
  let largestDistanceErrorMi = 0;
  const startEarly: number[] = [];
  const endLate: number[] = [];
  for (const trip of closed) {
    const covering = drives.find((d) => d.start.at <= trip.startAt && d.end.at >= trip.endAt!);
    if (covering) byDrive.set(covering, [...(byDrive.get(covering) ?? []), trip]);
  }
  let matched = 0;
  let merged = 0;
  let mergedDrives = 0;
  let mergedDrivesFlagged = 0;
  for (const [drive, covered] of byDrive) {
    if (covered.length === 1) {
      matched += 1;
      const truth = covered[0]!.endOdometerMi! - covered[0]!.startOdometerMi;
      largestDistanceErrorMi = Math.max(largestDistanceErrorMi, Math.abs(drive.distanceMi - truth));
      startEarly.push((covered[0]!.startAt - drive.start.at) / 60_000);
      endLate.push((drive.end.at - covered[0]!.endAt!) / 60_000);
    } else {
      merged += covered.length;
      mergedDrives += 1;
      if (drive.mayHideStops) mergedDrivesFlagged += 1;
    }
  }

  const closedSessions = sessions.filter((s) => s.endAt !== null && s.endAt <= end && s.energyKwh > 0.1);
  let sessionsMatched = 0;
  let largestKwhErrorShare = 0;
  for (const session of closedSessions) {
    const derived = charges.filter((c) => overlaps({ from: c.startedAfter, to: c.endBy }, { from: session.startAt, to: session.endAt! }));
    if (derived.length !== 1 || derived[0]!.energyAddedKwh === null) continue;
    sessionsMatched += 1;
    largestKwhErrorShare = Math.max(largestKwhErrorShare, Math.abs(derived[0]!.energyAddedKwh - session.energyKwh) / session.energyKwh);
  }
  return {
    drivesDriven: closed.length,
    drivesDerived: drives.length,
    drivesMatched: matched,
    tripsMerged: merged,
    drivesFlagged: drives.filter((d) => d.mayHideStops).length,
    mergedDrives,
    mergedDrivesFlagged,
    largestDistanceErrorMi,
    startEarlyMinutes: spread(startEarly),
    endLateMinutes: spread(endLate),
    sessionsCharged: closedSessions.length,
    sessionsDerived: charges.length,
    sessionsMatched,
    sessionsDc: closedSessions.filter((s) => s.dc).length,
    largestKwhErrorShare,
  };
}

function spread(minutes: number[]): { median: number; largest: number } {
  const sorted = [...minutes].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? 0, largest: sorted[sorted.length - 1] ?? 0 };
}
