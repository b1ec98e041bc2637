import type { Snapshot } from '../snapshot';
import type { AutomationCondition } from './automation';

export type ConditionVerdict = { ok: true } | { ok: false; reason: string };

/** How old a reading may be for a condition to be judged on it. */
export const MAX_READING_AGE_MS = 24 * 60 * 60_000;

/**
 * Whether every condition holds on the latest stored reading. No reading, or one too old, means "cannot tell": the
 * automation is skipped with that reason rather than run on a guess.
 */
export function checkConditions(conditions: readonly AutomationCondition[], latest: Snapshot | null, now: number): ConditionVerdict {
  if (conditions.length === 0) return { ok: true };
  if (latest === null) return { ok: false, reason: 'no_reading: no stored reading to check the conditions against' };
  if (now - latest.takenAt > MAX_READING_AGE_MS)
    return { ok: false, reason: `stale_reading: the latest reading is from ${new Date(latest.takenAt).toISOString()}` };
  for (const condition of conditions) {
    const verdict = check(condition, latest);
    if (!verdict.ok) return verdict;
  }
  return { ok: true };
}

function check(condition: AutomationCondition, s: Snapshot): ConditionVerdict {
  switch (condition.kind) {
    case 'plugged_in':
      if (s.chargingState === null) return { ok: false, reason: 'unknown: the reading does not say whether the car is plugged in' };
      return s.chargingState === 'Disconnected' ? { ok: false, reason: 'not_plugged_in' } : { ok: true };
    case 'battery_below':
    case 'battery_above': {
      if (s.batteryLevel === null) return { ok: false, reason: 'unknown: the reading has no battery level' };
      const holds = condition.kind === 'battery_below' ? s.batteryLevel < condition.percent : s.batteryLevel > condition.percent;
      return holds
        ? { ok: true }
        : { ok: false, reason: `battery_${s.batteryLevel}%: not ${condition.kind === 'battery_below' ? 'below' : 'above'} ${condition.percent}%` };
    }
    case 'parked_near': {
      if (s.location === null) return { ok: false, reason: 'location_unknown: location is not recorded (INCLUDE_LOCATION)' };
      if (s.shiftState !== null && s.shiftState !== 'P') return { ok: false, reason: 'not_parked' };
      const metres = distanceM(s.location.latitude, s.location.longitude, condition.latitude, condition.longitude);
      return metres <= condition.radiusM ? { ok: true } : { ok: false, reason: `not_near: ${Math.round(metres)} m away` };
    }
  }
}

function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
}
