import { isDriving, type Snapshot } from '../../shared/domain/snapshot';
import type { Trip } from '../simulator/sim-car-types';

export interface DriveAccuracy {
  drivesDriven: number;
  /** Drives whose start and end odometer can be read from the stored history (a reading during each parking). */
  drivesRecorded: number;
  parkings: number;
  parkingsObserved: number;
  /** Largest |stored − true| odometer among readings taken during a parking. */
  largestObservedErrorMi: number;
  /** For parkings with no reading: the largest gap between the truth and the next stored reading. */
  largestMissedErrorMi: number;
  /** The longest parking no reading saw (minutes); 0 when every parking was seen. */
  longestMissedMinutes: number;
}

/**
 * Compares stored snapshots with what the simulated car really did. Between two drives the odometer is constant,
 * so every reading taken during a parking should equal the odometer at which that parking began.
 */
export function driveAccuracy(trips: readonly Trip[], snapshots: readonly Snapshot[], start: { at: number; odometerMi: number }, end: number): DriveAccuracy {
  const closed = trips.filter((t) => t.endAt !== null && t.endOdometerMi !== null);
  const parkings: Array<{ from: number; to: number; odometerMi: number }> = [];
  let from = start.at;
  let odometer = start.odometerMi;
  for (const trip of closed) {
    parkings.push({ from, to: trip.startAt, odometerMi: odometer });
    from = trip.endAt!;
    odometer = trip.endOdometerMi!;
  }
  parkings.push({ from, to: trips.find((t) => t.endAt === null)?.startAt ?? end, odometerMi: odometer });

  const readings = snapshots.filter((s) => s.odometerMi !== null).sort((a, b) => a.takenAt - b.takenAt);
  let largestObserved = 0;
  let largestMissed = 0;
  let longestMissedMs = 0;
  const observed = parkings.map((p) => {
    // Seen only by a reading taken while parked: one taken as the next drive began says nothing of the parking.
    const inside = readings.filter((r) => r.takenAt >= p.from && r.takenAt < p.to && !isDriving(r));
    if (inside.length > 0) {
      const error = Math.max(...inside.map((r) => Math.abs(r.odometerMi! - p.odometerMi)));
      largestObserved = Math.max(largestObserved, error);
      return error <= 0.1;
    }
    const next = readings.find((r) => r.takenAt > p.to);
    if (next) largestMissed = Math.max(largestMissed, Math.abs(next.odometerMi! - p.odometerMi));
    longestMissedMs = Math.max(longestMissedMs, p.to - p.from);
    return false;
  });
  const recorded = closed.filter((_, i) => observed[i] === true && observed[i + 1] === true).length;
  return {
    drivesDriven: closed.length,
    drivesRecorded: recorded,
    parkings: parkings.length,
    parkingsObserved: observed.filter(Boolean).length,
    largestObservedErrorMi: largestObserved,
    largestMissedErrorMi: largestMissed,
    longestMissedMinutes: Math.round(longestMissedMs / 60_000),
  };
}
