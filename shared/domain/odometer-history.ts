import type { Snapshot } from './snapshot';
import { convertMiles, roundDistance, type DistanceUnit } from './units';

export type Resolution = 'raw' | 'day';

export interface OdometerReading {
  at: string;
  odometer: number;
}

/** What is kept per car per UTC day: the lowest and highest odometer seen that day. */
export interface DayRollup {
  vin: string;
  /** YYYY-MM-DD (UTC). */
  date: string;
  firstOdometerMi: number;
  lastOdometerMi: number;
}

export interface OdometerDay {
  date: string;
  first: number;
  last: number;
  /** Since the end of the previous day with data (a drive before the day's first reading still counts). */
  distance: number;
}

export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Readings in time order, with snapshots that carried no odometer left out. */
export function rawOdometerSeries(snapshots: readonly Snapshot[], unit: DistanceUnit): OdometerReading[] {
  return [...snapshots]
    .filter((s) => s.odometerMi !== null)
    .sort((a, b) => a.takenAt - b.takenAt)
    .map((s) => ({ at: new Date(s.takenAt).toISOString(), odometer: roundDistance(convertMiles(s.odometerMi!, unit)) }));
}

/**
 * Folds snapshots into day rollups. The odometer only rises, so min/max are used rather than arrival order: a
 * reading delivered late, or twice, cannot change a day wrongly. The DynamoDB store keeps the same rollups up to date
 * on every write.
 */
export function rollupsFromSnapshots(snapshots: readonly Snapshot[]): DayRollup[] {
  const days = new Map<string, DayRollup>();
  for (const s of snapshots) {
    if (s.odometerMi === null) continue;
    const key = `${s.vin}#${utcDate(s.takenAt)}`;
    const day = days.get(key);
    days.set(key, {
      vin: s.vin,
      date: utcDate(s.takenAt),
      firstOdometerMi: Math.min(day?.firstOdometerMi ?? Infinity, s.odometerMi),
      lastOdometerMi: Math.max(day?.lastOdometerMi ?? -Infinity, s.odometerMi),
    });
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * One row per day with data. A day's distance runs from the previous day's last reading (`before` for the first
 * row, when known), so a morning drive that ended before the day's first reading is not lost.
 */
export function dailyOdometerSeries(days: readonly DayRollup[], before: DayRollup | null, unit: DistanceUnit): OdometerDay[] {
  let previous = before?.lastOdometerMi ?? null;
  return [...days]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((d) => {
      const start = previous ?? d.firstOdometerMi;
      previous = d.lastOdometerMi;
      return {
        date: d.date,
        first: roundDistance(convertMiles(d.firstOdometerMi, unit)),
        last: roundDistance(convertMiles(d.lastOdometerMi, unit)),
        distance: roundDistance(convertMiles(Math.max(0, d.lastOdometerMi - start), unit)),
      };
    });
}
