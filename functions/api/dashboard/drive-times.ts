/** How a drive's times are shown: what the readings bound, never more precise than they are. */

export interface DriveTimes {
  start: { at: string };
  /** The start's lower bound: the last reading parked, or when the car woke if it slept since. */
  startedAfter: string;
  startedBy: string;
  durationBounds: { atLeastMinutes: number; atMostMinutes: number };
}

const time = (iso: string): string => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/** Bounds closer than this are shown as one time; wider ones as what is known ("by", "at least"). */
const KNOWN_WITHIN_MS = 15 * 60_000;

/**
 * When a drive started, as far as the readings tell: the last reading parked (or the car's waking, if it slept since)
 * and the first moving reading bound it. Close bounds are shown as their middle; wide ones only as "by" the first
 * moving reading.
 */
export function startText(d: Pick<DriveTimes, 'startedAfter' | 'startedBy'>): string {
  const after = Date.parse(d.startedAfter);
  const by = Date.parse(d.startedBy);
  return by - after <= KNOWN_WITHIN_MS ? time(new Date(after + (by - after) / 2).toISOString()) : `by ${time(d.startedBy)}`;
}

const span = (minutes: number): string => (minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`);

/**
 * How long it took, as far as the readings tell: a range when they bound it closely, else the least it took, or,
 * when no reading saw it moving (the least is nothing), the most it can have taken.
 */
export function durationText(d: Pick<DriveTimes, 'durationBounds'>): string {
  const { atLeastMinutes: least, atMostMinutes: most } = d.durationBounds;
  if (most - least > KNOWN_WITHIN_MS / 60_000) return least === 0 ? `≤ ${span(most)}` : `≥ ${least} min`;
  return least === most ? `${most} min` : `${least}–${most} min`;
}
