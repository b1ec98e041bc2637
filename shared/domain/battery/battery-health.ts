import type { ChargingSession, Drive } from '../history/history-records';

/**
 * Battery health from what the car reports, as a trend the owner can weigh. Method: at the end of each drive, the
 * car's rated range over its battery level gives the range a full battery would have (`rangeMi / level × 100`). The
 * end of a drive is used, not its start: after a charge to the limit the car's estimate runs high for a while, and
 * a drive's end is never that, unless the drive ended within an hour of a charging session, and those are left out.
 * Left out too: levels under 30 % (a whole percent is then over 3 % of the figure), drives in the cold (under 5 °C
 * outside on average: a cold pack holds back energy the car then counts out of its range), and imported drives. Per month, the median and the middle half of these figures, and their count; the capacity is the
 * median full range × the car's rated consumption as its charging shows it (an estimate of an estimate, said so).
 */
export interface BatteryHealthMonth {
  month: string;
  /** Drives whose end qualified. */
  samples: number;
  fullRangeMi: number;
  /** The middle half of the month's figures (25th and 75th percentile): how much to trust the median. */
  fullRangeMiIqr: [number, number];
  capacityKwh: number | null;
}

export interface BatteryHealth {
  method: string;
  months: BatteryHealthMonth[];
  /** Full range lost from the first month with enough drives to the last, in percent (null with fewer than two). */
  lossPercent: number | null;
  /** The Wh per rated mile used for the capacity (null before any charging session showed it). */
  ratedWhPerMi: number | null;
  /** Drive ends that did not qualify, by reason (a drive is counted under the first that applies). */
  leftOut: { imported: number; lowLevel: number; cold: number; afterCharge: number };
}

/** A month needs this many qualifying drives to be shown. */
export const MIN_SAMPLES = 5;
const MIN_LEVEL = 30;
/** A drive whose mean outside temperature was below this is in the cold. */
export const COLD_C = 5;
/** A drive that ended this soon after a charging session ended is "right after a charge". */
export const AFTER_CHARGE_MS = 60 * 60_000;

export const HEALTH_METHOD = `full rated range = rated range ÷ battery level × 100 at the end of each drive (left out: levels under ${MIN_LEVEL} %, drives under ${COLD_C} °C outside, drives ending within an hour of a charge, imported drives); per month the median, with the 25th–75th percentile; capacity = that × the Wh per rated mile the car’s charging shows`;

type Reason = keyof BatteryHealth['leftOut'];

/** Why a drive's end does not qualify, or null when it does. */
function leftOutBecause(d: Drive, charges: readonly ChargingSession[]): Reason | null {
  if (d.imported) return 'imported';
  if (d.end.batteryLevel === null || d.end.batteryLevel < MIN_LEVEL) return 'lowLevel';
  if (d.outsideTempC !== undefined && d.outsideTempC < COLD_C) return 'cold';
  // A session ended after its last charging reading and by `endBy`: left out if that could be within the hour before.
  if (charges.some((c) => c.lastChargingAt < d.end.at && c.endBy > d.end.at - AFTER_CHARGE_MS)) return 'afterCharge';
  return null;
}

/** `charges`: the sessions around the drives, so that a drive just after one is left out. */
export function batteryHealth(drives: readonly Drive[], charges: readonly ChargingSession[], ratedWhPerMi: number | null): BatteryHealth {
  const byMonth = new Map<string, number[]>();
  const leftOut = { imported: 0, lowLevel: 0, cold: 0, afterCharge: 0 };
  const collected = charges.filter((c) => !c.imported);
  for (const d of drives) {
    const { rangeMi, batteryLevel } = d.end;
    if (rangeMi === null) continue;
    const reason = leftOutBecause(d, collected);
    if (reason !== null) {
      leftOut[reason] += 1;
      continue;
    }
    const month = new Date(d.end.at).toISOString().slice(0, 7);
    byMonth.set(month, [...(byMonth.get(month) ?? []), (rangeMi / batteryLevel!) * 100]);
  }
  const months = [...byMonth]
    .filter(([, values]) => values.length >= MIN_SAMPLES)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([month, values]): BatteryHealthMonth => {
      const sorted = [...values].sort((a, b) => a - b);
      const median = quantile(sorted, 0.5);
      return {
        month,
        samples: values.length,
        fullRangeMi: round1(median),
        fullRangeMiIqr: [round1(quantile(sorted, 0.25)), round1(quantile(sorted, 0.75))],
        capacityKwh: ratedWhPerMi === null ? null : round1((median * ratedWhPerMi) / 1000),
      };
    });
  const first = months[0];
  const last = months[months.length - 1];
  const lossPercent = months.length >= 2 ? round1(((first!.fullRangeMi - last!.fullRangeMi) / first!.fullRangeMi) * 100) : null;
  return { method: HEALTH_METHOD, months, lossPercent, ratedWhPerMi, leftOut };
}

/** Linear interpolation between the closest ranks. */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
