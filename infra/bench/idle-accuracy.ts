import { MINUTE_MS } from '../../shared/domain/clock';
import type { IdlePeriod } from '../../shared/domain/history/history-records';

/** What the simulated car really did, minute by minute from `start`: its exact battery % and whether it slept. */
export interface CarTimeline {
  start: number;
  batteryLevel: number[];
  asleep: boolean[];
  /** The rated miles each % of the car's pack is worth (less on a worn one). */
  milesPerPercent: number;
}

export interface IdleAccuracy {
  periods: number;
  /** Largest |derived − true| battery % lost over a period (the car reports whole %, so up to ~1 is expected). */
  largestLostErrorPoints: number;
  /** Largest |derived − true| rated range lost, in miles (the car reports it to 0.01 mi). */
  largestRangeErrorMi: number;
  /** Largest |derived − true| share of a period spent asleep, and the period it was found in. */
  largestAsleepShareError: number;
  worstAsleepShare: { startAt: number; endAt: number; derived: number; truth: number } | null;
  /** Drain per day over all periods together: derived from range, and true. */
  drainPercentPerDay: { derived: number; truth: number };
}

/** Compares derived idle periods with the simulated car's own battery and sleep over the same spans. */
export function idleAccuracy(idles: readonly IdlePeriod[], timeline: CarTimeline): IdleAccuracy {
  const index = (t: number) => Math.min(timeline.batteryLevel.length - 1, Math.max(0, Math.round((t - timeline.start) / MINUTE_MS)));
  let lostError = 0;
  let rangeError = 0;
  let shareError = 0;
  let worst: IdleAccuracy['worstAsleepShare'] = null;
  let derivedLost = 0;
  let trueLost = 0;
  let days = 0;
  for (const idle of idles) {
    const from = index(idle.startAt);
    const to = index(idle.endAt);
    const lost = timeline.batteryLevel[from]! - timeline.batteryLevel[to]!;
    if (idle.batteryLost !== null) lostError = Math.max(lostError, Math.abs(idle.batteryLost - lost));
    if (idle.rangeLostMi !== null) {
      rangeError = Math.max(rangeError, Math.abs(idle.rangeLostMi - lost * timeline.milesPerPercent));
      derivedLost += idle.rangeLostMi / timeline.milesPerPercent;
      trueLost += lost;
      days += idle.durationMs / (24 * 60 * MINUTE_MS);
    }
    if (idle.asleepShare !== null && to > from) {
      const truth = timeline.asleep.slice(from, to).filter(Boolean).length / (to - from);
      if (Math.abs(idle.asleepShare - truth) > shareError) {
        shareError = Math.abs(idle.asleepShare - truth);
        worst = { startAt: idle.startAt, endAt: idle.endAt, derived: idle.asleepShare, truth };
      }
    }
  }
  return {
    periods: idles.length,
    largestLostErrorPoints: lostError,
    largestRangeErrorMi: rangeError,
    largestAsleepShareError: shareError,
    worstAsleepShare: worst,
    drainPercentPerDay: { derived: days > 0 ? derivedLost / days : 0, truth: days > 0 ? trueLost / days : 0 },
  };
}
