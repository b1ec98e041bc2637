import type { Drive } from '../history/history-records';
import { estimateWithin, timeBounds } from '../history/logbook';

/**
 * Efficiency against outside temperature and speed: the drives' estimated energy over their distance, per bin (the
 * energy-weighted mean, so a long drive counts for its miles). Drives of a mile or more with an energy estimate only.
 * A drive's speed is its distance over its best-estimate duration (the middle of its time bounds), so a drive whose
 * times the readings bound loosely lands in a bin less surely: the drives' count per bin is given with it.
 */
export interface EfficiencyBin {
  /** The bin's lower edge (°C, or mph); it spans `width`. */
  from: number;
  drives: number;
  distanceMi: number;
  whPerMi: number;
}

export interface EfficiencyBins {
  byOutsideTempC: EfficiencyBin[];
  byAverageSpeedMph: EfficiencyBin[];
  tempWidthC: number;
  speedWidthMph: number;
  /** Drives used, and drives left out (under a mile, no energy, or no temperature for the first table). */
  drives: number;
}

export const TEMP_WIDTH_C = 5;
export const SPEED_WIDTH_MPH = 10;

export function efficiencyBins(drives: readonly Drive[]): EfficiencyBins {
  const usable = drives.filter((d) => d.estimatedEnergyKwh !== null && d.distanceMi >= 1);
  const byTemp = binned(
    usable.filter((d) => d.outsideTempC !== undefined),
    (d) => d.outsideTempC!,
    TEMP_WIDTH_C,
  );
  const bySpeed = binned(usable, averageSpeedMph, SPEED_WIDTH_MPH);
  return { byOutsideTempC: byTemp, byAverageSpeedMph: bySpeed, tempWidthC: TEMP_WIDTH_C, speedWidthMph: SPEED_WIDTH_MPH, drives: usable.length };
}

/** Distance over the best-estimate duration; the drive's own bounds, never less than a minute. */
export function averageSpeedMph(d: Drive): number {
  const t = timeBounds(d);
  const hours = Math.max(60_000, estimateWithin(t.endedAfter, t.endedBy) - estimateWithin(t.startedAfter, t.startedBy)) / 3_600_000;
  return d.distanceMi / hours;
}

function binned(drives: readonly Drive[], value: (d: Drive) => number, width: number): EfficiencyBin[] {
  const bins = new Map<number, { drives: number; distanceMi: number; kwh: number }>();
  for (const d of drives) {
    const from = Math.floor(value(d) / width) * width;
    const bin = bins.get(from) ?? { drives: 0, distanceMi: 0, kwh: 0 };
    bins.set(from, { drives: bin.drives + 1, distanceMi: bin.distanceMi + d.distanceMi, kwh: bin.kwh + d.estimatedEnergyKwh! });
  }
  return [...bins]
    .sort(([a], [b]) => a - b)
    .map(([from, b]) => ({ from, drives: b.drives, distanceMi: Math.round(b.distanceMi * 10) / 10, whPerMi: Math.round((b.kwh * 1000) / b.distanceMi) }));
}
