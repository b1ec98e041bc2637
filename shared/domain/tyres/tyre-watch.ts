/**
 * Tyres, from the pressures the car reports with every reading (TPMS, bar): a tyre that is low, and one losing air
 * faster than the others (a slow puncture), each told once per episode. Pure: what it remembers goes in and out.
 *
 * Pressures rise and fall with temperature and with driving, but on all four wheels together. So a slow puncture is
 * read from each wheel's offset from the mean of the other three: that offset stays put from day to day unless the
 * wheel itself loses air. Its usual value is the median of the first offset seen on each of the last days.
 */
import type { Snapshot } from '../snapshot';

export type Wheel = 'fl' | 'fr' | 'rl' | 'rr';
export const WHEELS: readonly Wheel[] = ['fl', 'fr', 'rl', 'rr'];
const WHEEL_NAMES: Record<Wheel, string> = { fl: 'front left', fr: 'front right', rl: 'rear left', rr: 'rear right' };

export interface TyreReading {
  at: number;
  pressureBar: Record<Wheel, number | null>;
  /** The recommended cold pressure the car gives per axle (`tpms_rcp_front_value`, `_rear_`), when it does. */
  recommendedBar: { front: number | null; rear: number | null };
  /** Wheels the car itself warns about (`tpms_hard_warning_*`). */
  carWarns: readonly Wheel[];
}

/** What a stored reading says of the tyres, or null for one without the detail (stored before it was kept). */
export function tyreReadingOf(s: Snapshot): TyreReading | null {
  const d = s.detail;
  if (!d) return null;
  return { at: s.takenAt, pressureBar: d.tyrePressureBar, recommendedBar: d.tyreRecommendedBar ?? { front: null, rear: null }, carWarns: d.tyreWarnings ?? [] };
}

export interface TyreWatch {
  /** The first offset seen on each of the last days (UTC), oldest first. */
  days: Array<{ day: string; offsets: Record<Wheel, number> }>;
  /** Low episodes under way: the wheel and since when. */
  low: Partial<Record<Wheel, number>>;
  /** Drop episodes under way. */
  dropping: Partial<Record<Wheel, number>>;
}

export const NEW_TYRE_WATCH: TyreWatch = { days: [], low: {}, dropping: {} };

export type TyreAlert =
  | { kind: 'tyre_low'; wheel: Wheel; since: number; bar: number; limitBar: number | null; byCar: boolean; message: string }
  | { kind: 'tyre_pressure_dropping'; wheel: Wheel; since: number; bar: number; droppedBar: number; message: string };

/** Below this share of the recommended pressure a tyre is low (Tesla's own warning comes near 75 %). */
export const LOW_SHARE = 0.85;
/** Without a recommended pressure: low below this (32 psi). */
export const LOW_BAR_DEFAULT = 2.2;
/** A wheel whose offset fell this much below its usual one is losing air (about 3 psi). */
export const DROP_BAR = 0.2;
/** Days of offsets kept, and the fewest before a drop can be judged. */
const DAYS_KEPT = 7;
const DAYS_NEEDED = 2;
/**
 * A low episode ends when the tyre is back within this of the recommended pressure (pumped up: a warm tyre near
 * the limit swings across it, and is not a new episode each morning); a drop episode when the drop is this much
 * under DROP_BAR.
 */
const RECOVERED_BAR = 0.1;

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** Folds one reading in: the alerts it starts, and what to remember. Readings without all four pressures are skipped. */
export function watchTyres(watch: TyreWatch, reading: TyreReading): { alerts: TyreAlert[]; watch: TyreWatch } {
  const p = reading.pressureBar;
  if (WHEELS.some((w) => p[w] === null)) return { alerts: [], watch };
  const pressures = p as Record<Wheel, number>;
  const alerts: TyreAlert[] = [];
  const low = { ...watch.low };
  const dropping = { ...watch.dropping };
  const offsets = offsetsOf(pressures);
  const usual = usualOffsets(watch.days, dayOf(reading.at));
  for (const wheel of WHEELS) {
    const bar = pressures[wheel];
    const limit = limitOf(wheel, reading.recommendedBar);
    const byCar = reading.carWarns.includes(wheel);
    let lowNow = false;
    if (byCar || bar < limit) {
      if (low[wheel] === undefined) {
        low[wheel] = reading.at;
        lowNow = true;
        alerts.push({ kind: 'tyre_low', wheel, since: reading.at, bar, limitBar: limit, byCar, message: lowMessage(wheel, bar, limit, byCar) });
      }
    } else if (recovered(low[wheel], dropping[wheel], bar, limit, reading.at)) delete low[wheel];
    const dropped = usual === null ? 0 : usual[wheel] - offsets[wheel];
    if (dropped >= DROP_BAR) {
      if (dropping[wheel] === undefined) {
        dropping[wheel] = reading.at;
        // Low at this very reading (a sudden loss): that one notice says it.
        if (lowNow) continue;
        const message = `The ${WHEEL_NAMES[wheel]} tyre is at ${bar.toFixed(2)} bar, ${dropped.toFixed(2)} bar lower against the other three than it usually is: it may be losing air (a slow puncture).`;
        alerts.push({ kind: 'tyre_pressure_dropping', wheel, since: reading.at, bar, droppedBar: round(dropped), message });
      }
    } else if (dropped < DROP_BAR - RECOVERED_BAR) delete dropping[wheel];
  }
  // While a wheel is losing air its offsets are not the usual ones: they are not kept, so its episode ends when it is
  // pumped up again, and the next drop is judged against the healthy days.
  const days = Object.keys(dropping).length > 0 ? watch.days : withDay(watch.days, dayOf(reading.at), offsets);
  return { alerts, watch: { days, low, dropping } };
}

/**
 * A low episode ends when the tyre is back near the recommended pressure, it is not losing air against the others,
 * and a day has passed: pressures swing with temperature by a few tenths of a bar, and a tyre near the limit is not
 * a new episode each cold morning.
 */
function recovered(since: number | undefined, dropping: number | undefined, bar: number, limit: number, at: number): boolean {
  if (since === undefined) return false;
  return dropping === undefined && bar >= limit / LOW_SHARE - RECOVERED_BAR && at - since >= 24 * 3_600_000;
}

/** Each wheel's pressure minus the mean of the other three. */
export function offsetsOf(p: Record<Wheel, number>): Record<Wheel, number> {
  const total = WHEELS.reduce((sum, w) => sum + p[w], 0);
  return Object.fromEntries(WHEELS.map((w) => [w, round(p[w] - (total - p[w]) / 3)])) as Record<Wheel, number>;
}

function limitOf(wheel: Wheel, recommended: TyreReading['recommendedBar']): number {
  const rcp = wheel.startsWith('f') ? recommended.front : recommended.rear;
  return rcp === null ? LOW_BAR_DEFAULT : round(rcp * LOW_SHARE);
}

function lowMessage(wheel: Wheel, bar: number, limit: number, byCar: boolean): string {
  const why = byCar ? 'the car warns of it' : `below ${limit.toFixed(2)} bar`;
  return `The ${WHEEL_NAMES[wheel]} tyre is at ${bar.toFixed(2)} bar (${why}).`;
}

/** The median of each wheel's offsets over the days before `today`, or null with too few of them. */
function usualOffsets(days: TyreWatch['days'], today: string): Record<Wheel, number> | null {
  const before = days.filter((d) => d.day < today);
  if (before.length < DAYS_NEEDED) return null;
  const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  return Object.fromEntries(WHEELS.map((w) => [w, median(before.map((d) => d.offsets[w]))])) as Record<Wheel, number>;
}

/** Keeps the day's first offsets (a later reading the same day changes nothing), and the last DAYS_KEPT days. */
function withDay(days: TyreWatch['days'], day: string, offsets: Record<Wheel, number>): TyreWatch['days'] {
  if (days.some((d) => d.day === day)) return days;
  return [...days, { day, offsets }].sort((a, b) => (a.day < b.day ? -1 : 1)).slice(-DAYS_KEPT);
}

const dayOf = (at: number): string => new Date(at).toISOString().slice(0, 10);
