import type { Snapshot } from './snapshot';
import { convertMiles, roundDistance, type DistanceUnit } from './units';

export type Resolution = 'raw' | 'day';

export interface OdometerReading {
  at: string;
  odometer: number;
}

export interface OdometerDay {
  /** UTC calendar day, YYYY-MM-DD. */
  date: string;
  first: number;
  last: number;
  distance: number;
}

/** Readings in time order, with snapshots that carried no odometer left out. */
export function rawOdometerSeries(snapshots: readonly Snapshot[], unit: DistanceUnit): OdometerReading[] {
  return [...snapshots]
    .filter((s) => s.odometerMi !== null)
    .sort((a, b) => a.takenAt - b.takenAt)
    .map((s) => ({ at: new Date(s.takenAt).toISOString(), odometer: roundDistance(convertMiles(s.odometerMi!, unit)) }));
}

/**
 * One row per UTC day that has readings: the first and last odometer seen that day and the distance between
 * them. The odometer only rises, so min/max are used rather than arrival order: a reading delivered late
 * cannot shrink a day.
 */
export function dailyOdometerSeries(snapshots: readonly Snapshot[], unit: DistanceUnit): OdometerDay[] {
  const days = new Map<string, { first: number; last: number }>();
  for (const s of snapshots) {
    if (s.odometerMi === null) continue;
    const date = new Date(s.takenAt).toISOString().slice(0, 10);
    const day = days.get(date);
    if (day === undefined) days.set(date, { first: s.odometerMi, last: s.odometerMi });
    else days.set(date, { first: Math.min(day.first, s.odometerMi), last: Math.max(day.last, s.odometerMi) });
  }
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, { first, last }]) => ({
      date,
      first: roundDistance(convertMiles(first, unit)),
      last: roundDistance(convertMiles(last, unit)),
      distance: roundDistance(convertMiles(last - first, unit)),
    }));
}
