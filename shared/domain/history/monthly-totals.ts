import type { ChargingSession, Drive } from './history-records';

/** One month of a car's history in one small item: what owners compare month to month. */
export interface MonthTotals {
  vin: string;
  /** YYYY-MM (UTC). */
  month: string;
  distanceMi: number;
  drives: number;
  /** Energy the car counted into the battery, from its charging sessions. */
  chargedKwh: number;
  chargingSessions: number;
  /** The drives' estimated energy (see Drive.energyEstimate). */
  estimatedUsedKwh: number;
  /** Over the drives whose energy could be estimated. */
  whPerMi: number | null;
}

export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** First and last ms of a YYYY-MM month (UTC). */
export function monthRange(month: string): { fromMs: number; toMs: number } {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return { fromMs: Date.UTC(year, m - 1, 1), toMs: Date.UTC(year, m, 1) - 1 };
}

/**
 * The month a drive counts in: that of `startedBy`, the first reading that saw it moving. After a night asleep the
 * last reading before a drive (`start.at`) can be the evening before, even the month before; the drive lists group
 * drives by `startedBy` too, so a month's total is the sum of the drives listed under it.
 */
export const driveMonth = (drive: Pick<Drive, 'startedBy'>): string => monthOf(drive.startedBy);

/**
 * Totals of the drives that started in `month` (by `driveMonth`) and of the sessions that started in it. Recomputed from the records each time (never added to),
 * so deriving the month again gives the same totals.
 */
export function monthTotals(vin: string, month: string, drives: readonly Drive[], charges: readonly ChargingSession[]): MonthTotals {
  const mine = drives.filter((d) => driveMonth(d) === month);
  const sessions = charges.filter((c) => monthOf(c.start.at) === month);
  const estimated = mine.filter((d) => d.estimatedEnergyKwh !== null);
  const estimatedUsedKwh = estimated.reduce((sum, d) => sum + d.estimatedEnergyKwh!, 0);
  const estimatedMi = estimated.reduce((sum, d) => sum + d.distanceMi, 0);
  const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;
  return {
    vin,
    month,
    distanceMi: round(mine.reduce((sum, d) => sum + d.distanceMi, 0)),
    drives: mine.length,
    chargedKwh: round(
      sessions.reduce((sum, c) => sum + (c.energyAddedKwh ?? 0), 0),
      2,
    ),
    chargingSessions: sessions.length,
    estimatedUsedKwh: round(estimatedUsedKwh, 2),
    whPerMi: estimatedMi >= 1 ? Math.round((estimatedUsedKwh * 1000) / estimatedMi) : null,
  };
}
