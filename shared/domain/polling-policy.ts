import { HOUR_MS, MINUTE_MS } from './clock';
import { NORMAL_PACE, type BudgetPace } from './billing';
import { MIN_DRIVE_MI } from './history/history-state';
import { activityOf, type Snapshot } from './snapshot';
import type { VehicleOnlineState } from './vehicle';

/**
 * When to spend a billed `vehicle_data` request on a car. Pure: everything it knows comes in as arguments, and
 * everything it changes goes out as the returned memory.
 *
 * The odometer changes only while the car drives, so one reading per parking records every drive exactly. Hence:
 * - never wake a car; ask only an `online` car, and ask at once when it comes online (before it drives off);
 * - while it drives, ask every driving interval (5 minutes unless the owner tunes it) to notice soon after it parks:
 *   a parking longer than the interval is seen, as the car stays awake ~15 minutes after it parks, unless it lies
 *   wholly within a quiet window (below), where nothing free tells a parked car from a driving one. At highway
 *   speed (50 mph and more) ask only every 12 minutes: errands with short stops are driven in town, and a long
 *   drive would otherwise cost a read every few minutes for hours;
 * - once parked and idle, ask once more a driving interval later when it has just parked (or just woke): an errand's
 *   stop is often that short, and the drive on from it would otherwise go unseen in the quiet window. Then go quiet
 *   so that its ~15-minute sleep timer can run out (a data request resets it); a car still online after the quiet
 *   window is asked once more, and left alone for twice as long each time (a car found parked further on than it was
 *   has driven meanwhile: it is read again a driving interval later, as one just parked);
 * - while it charges, ask again when the car expects to be full (its own `time_to_full_charge`, plus a margin,
 *   within 10 to 30 minutes, as it may be unplugged and driven off first): the session's start and end readings
 *   carry its kWh; when something else holds it awake (sentry, climate, someone inside, doors open, an update),
 *   ask rarely: it will not sleep anyway;
 * - after a 429 (Retry-After) or 5xx, wait; after a 408 from a car the list calls online (a weak signal: nothing
 *   reached the car), ask again a minute later if the read could not wait (driving, just parked, the end of a quiet
 *   window), else keep to the schedule of what it was doing; 408s in a row wait longer each time; when the month's
 *   budget runs ahead, stretch every interval;
 * - after any other refusal (a 403 for a missing scope, say) wait an hour, doubling up to a day: Tesla bills each
 *   answer below 500, so asking every minute for something refused would cost ~$86 a month.
 */
export const DRIVING_INTERVAL_MS = 5 * MINUTE_MS;
/** The longest driving interval that still reads every parked car before it sleeps (~15 minutes after parking). */
export const MAX_DRIVING_INTERVAL_MS = 14 * MINUTE_MS;
/** At this speed or faster the car is on a highway, where short stops are rare: read it every HIGHWAY_INTERVAL_MS. */
export const HIGHWAY_MPH = 50;
export const HIGHWAY_INTERVAL_MS = 12 * MINUTE_MS;
/** While charging, when the car gives no time to full. */
export const CHARGING_INTERVAL_MS = 20 * MINUTE_MS;
export const MIN_CHARGING_INTERVAL_MS = 10 * MINUTE_MS;
/** A car can be unplugged and driven off before it is full: even then, it is read within this. */
export const MAX_CHARGING_INTERVAL_MS = 30 * MINUTE_MS;
/** Read this long after the car expects to be full, so that the reading shows the session ended. */
export const FULL_MARGIN_MS = 5 * MINUTE_MS;
export const HELD_AWAKE_INTERVAL_MS = 30 * MINUTE_MS;
export const SLEEP_WINDOW_MS = 21 * MINUTE_MS;
export const MAX_SLEEP_WINDOW_MS = 4 * HOUR_MS;
export const DEFAULT_RATE_LIMIT_BACKOFF_MS = 5 * MINUTE_MS;
export const UNAVAILABLE_BACKOFF_MS = 1 * MINUTE_MS;
export const MAX_UNAVAILABLE_BACKOFF_MS = 30 * MINUTE_MS;
export const SERVER_ERROR_BACKOFF_MS = 2 * MINUTE_MS;
export const REFUSED_BACKOFF_MS = 1 * HOUR_MS;
export const MAX_REFUSED_BACKOFF_MS = 24 * HOUR_MS;
export const MAX_UNEXPECTED_BACKOFF_MS = 1 * HOUR_MS;

/** What the policy last learned of the car. `offline`/`asleep` come from the free state call, the rest from data. */
export type Phase = 'unknown' | 'asleep' | 'driving' | 'charging' | 'held_awake' | 'settling' | 'letting_sleep';

export interface PollingMemory {
  phase: Phase;
  /** No data request before this time (ms); null: whenever the car is online. */
  nextDataAt: number | null;
  /** Quiet windows in a row after which the car was still online and idle. */
  quietStreak: number;
  /** No request at all before this time, after an error. */
  backoffUntil: number | null;
  /** Failures in a row since the last snapshot (or the car's last sleep); each doubles the wait. */
  failureStreak: number;
  /** The odometer at the last reading: a car found parked further on has driven since. */
  odometerMi?: number;
}

export const INITIAL_MEMORY: PollingMemory = { phase: 'unknown', nextDataAt: null, quietStreak: 0, backoffUntil: null, failureStreak: 0 };

export type SkipReason = 'not_online' | 'backing_off' | 'letting_car_sleep' | 'waiting' | 'budget_exhausted';
export type PollDecision = { action: 'fetch'; reason: 'came_online' | 'due' } | { action: 'skip'; reason: SkipReason };

export interface PollStep {
  decision: PollDecision;
  memory: PollingMemory;
}

/** Accepts memory written by older versions (or nothing) and returns a well-formed one. */
export function normalizeMemory(raw: unknown): PollingMemory {
  const m = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<PollingMemory>;
  const phases: Phase[] = ['unknown', 'asleep', 'driving', 'charging', 'held_awake', 'settling', 'letting_sleep'];
  return {
    phase: m.phase !== undefined && phases.includes(m.phase) ? m.phase : 'unknown',
    nextDataAt: typeof m.nextDataAt === 'number' ? m.nextDataAt : null,
    quietStreak: typeof m.quietStreak === 'number' ? m.quietStreak : 0,
    backoffUntil: typeof m.backoffUntil === 'number' ? m.backoffUntil : null,
    failureStreak: typeof m.failureStreak === 'number' ? m.failureStreak : 0,
    ...(typeof m.odometerMi === 'number' ? { odometerMi: m.odometerMi } : {}),
  };
}

export function decidePoll(memory: PollingMemory, state: VehicleOnlineState, now: number, pace: BudgetPace = NORMAL_PACE): PollStep {
  if (state !== 'online') {
    // Really asleep or offline: whatever failed before starts afresh when it comes back.
    return { decision: { action: 'skip', reason: 'not_online' }, memory: { ...memory, phase: 'asleep', nextDataAt: null, quietStreak: 0, failureStreak: 0 } };
  }
  if (memory.backoffUntil !== null && now < memory.backoffUntil) return { decision: { action: 'skip', reason: 'backing_off' }, memory };
  if (pace.exhausted) return { decision: { action: 'skip', reason: 'budget_exhausted' }, memory };
  const cleared = { ...memory, backoffUntil: null };
  if (memory.phase === 'asleep' || memory.phase === 'unknown') return { decision: { action: 'fetch', reason: 'came_online' }, memory: cleared };
  if (memory.nextDataAt !== null && now < memory.nextDataAt) {
    return { decision: { action: 'skip', reason: memory.phase === 'letting_sleep' ? 'letting_car_sleep' : 'waiting' }, memory };
  }
  return { decision: { action: 'fetch', reason: 'due' }, memory: cleared };
}

/** What the owner may tune. */
export interface PollingTuning {
  /** How often a driving car is read (ms), from 1 minute to MAX_DRIVING_INTERVAL_MS. */
  drivingIntervalMs: number;
}

export const DEFAULT_TUNING: PollingTuning = { drivingIntervalMs: DRIVING_INTERVAL_MS };

/** Folds a fresh snapshot into the memory and schedules the next data request. */
export function afterSnapshot(
  previous: PollingMemory,
  snapshot: Snapshot,
  now: number,
  pace: BudgetPace = NORMAL_PACE,
  tuning: PollingTuning = DEFAULT_TUNING,
): PollingMemory {
  const memory = { ...previous, failureStreak: 0, ...(snapshot.odometerMi !== null ? { odometerMi: snapshot.odometerMi } : {}) };
  const later = (ms: number): number => now + ms * pace.slowdown;
  switch (activityOf(snapshot)) {
    case 'driving':
      return { ...memory, phase: 'driving', nextDataAt: later(drivingInterval(snapshot, tuning)), quietStreak: 0 };
    case 'charging':
      return { ...memory, phase: 'charging', nextDataAt: later(chargingInterval(snapshot)), quietStreak: 0 };
    case 'held_awake':
      return { ...memory, phase: 'held_awake', nextDataAt: later(HELD_AWAKE_INTERVAL_MS), quietStreak: 0 };
    case 'idle':
      break;
  }
  // Parked and idle, just after a drive (seen, or found parked further on) or as it woke: an errand's stop is often
  // short, and the owner who woke it is about to set off. One more read a driving interval later sees the drive on
  // from it, which the quiet window would hide; the car sleeps that much later.
  if (justParked(previous, snapshot)) {
    return { ...memory, phase: 'settling', nextDataAt: later(townIntervalMs(tuning)), quietStreak: 0 };
  }
  // If we were already letting it sleep, it did not: give it a longer window each time.
  const streak = memory.phase === 'letting_sleep' ? memory.quietStreak + 1 : 0;
  const window = Math.min(SLEEP_WINDOW_MS * 2 ** streak, MAX_SLEEP_WINDOW_MS);
  return { ...memory, phase: 'letting_sleep', nextDataAt: later(window), quietStreak: streak };
}

/** Seen parked for the first time since a drive (seen, or found parked further on: a drive, as history counts one), or since it woke. */
function justParked(previous: PollingMemory, snapshot: Snapshot): boolean {
  if (previous.phase === 'driving' || previous.phase === 'asleep' || previous.phase === 'unknown') return true;
  return previous.odometerMi !== undefined && snapshot.odometerMi !== null && snapshot.odometerMi - previous.odometerMi >= MIN_DRIVE_MI;
}

/** The owner's interval in town, never past MAX_DRIVING_INTERVAL_MS. */
function townIntervalMs(tuning: PollingTuning): number {
  return Math.min(tuning.drivingIntervalMs, MAX_DRIVING_INTERVAL_MS);
}

/** The owner's interval in town; on a highway at least HIGHWAY_INTERVAL_MS; never past MAX_DRIVING_INTERVAL_MS. */
function drivingInterval(snapshot: Snapshot, tuning: PollingTuning): number {
  const highway = (snapshot.speedMph ?? 0) >= HIGHWAY_MPH;
  return highway ? Math.min(MAX_DRIVING_INTERVAL_MS, Math.max(tuning.drivingIntervalMs, HIGHWAY_INTERVAL_MS)) : townIntervalMs(tuning);
}

/** Until the car expects to be full, plus a margin; the plain interval when it does not say. */
function chargingInterval(snapshot: Snapshot): number {
  const hours = snapshot.detail?.timeToFullChargeH ?? null;
  if (hours === null || hours <= 0) return CHARGING_INTERVAL_MS;
  return Math.min(MAX_CHARGING_INTERVAL_MS, Math.max(MIN_CHARGING_INTERVAL_MS, hours * HOUR_MS + FULL_MARGIN_MS));
}

/**
 * `refused`: any other answer below 500 (billed, and likely to repeat). `unexpected`: a failure of our own, such as
 * a store write, after which the next try may again cost a billed request.
 */
export type PollFailure =
  { kind: 'unavailable' } | { kind: 'rate_limited'; retryAfterMs: number | null } | { kind: 'server_error' } | { kind: 'refused' } | { kind: 'unexpected' };

export function afterFailure(memory: PollingMemory, failure: PollFailure, now: number, tuning: PollingTuning = DEFAULT_TUNING): PollingMemory {
  switch (failure.kind) {
    case 'unavailable': {
      // 408 from a car the list called online: it is badly connected (or fell asleep this very moment; the next
      // list says so). Nothing reached the car; each 408 is billed. 408s in a row wait twice as long each time.
      const waited = doubled(memory, now, UNAVAILABLE_BACKOFF_MS, MAX_UNAVAILABLE_BACKOFF_MS);
      if (memory.phase === 'unknown' || memory.phase === 'asleep') return { ...waited, phase: 'asleep', nextDataAt: null };
      const retry = retryAfterLostRead(memory, tuning);
      return { ...waited, nextDataAt: now + retry.ms, quietStreak: retry.quietStreak };
    }
    case 'rate_limited':
      return { ...memory, backoffUntil: now + (failure.retryAfterMs ?? DEFAULT_RATE_LIMIT_BACKOFF_MS) };
    case 'server_error':
      // A short, fixed wait (Tesla's servers recover), but counted: failing pass after pass needs the owner.
      return { ...memory, backoffUntil: now + SERVER_ERROR_BACKOFF_MS, failureStreak: memory.failureStreak + 1 };
    case 'refused':
      return doubled(memory, now, REFUSED_BACKOFF_MS, MAX_REFUSED_BACKOFF_MS);
    case 'unexpected':
      return doubled(memory, now, SERVER_ERROR_BACKOFF_MS, MAX_UNEXPECTED_BACKOFF_MS);
  }
}

/**
 * When to ask again after a read lost to a weak signal. A read that must come soon (while the car drives, as it has
 * just parked, at the end of a quiet window) is asked again a minute later the first time: what it would have seen
 * (a parking, the drive on from a short stop, a drive in the window) is gone once the car moves on or sleeps, and a
 * 408 reached nothing, so the car's sleep timer runs on. Lost again, each waits its usual pace, doubling as below.
 */
function retryAfterLostRead(memory: PollingMemory, tuning: PollingTuning): { ms: number; quietStreak: number } {
  const urgent = memory.phase === 'driving' || memory.phase === 'settling' || memory.phase === 'letting_sleep';
  if (urgent && memory.failureStreak === 0) return { ms: UNAVAILABLE_BACKOFF_MS, quietStreak: memory.quietStreak };
  switch (memory.phase) {
    case 'driving': {
      // Soon enough that a parking it may have begun is still read before the car sleeps (15 minutes after it parked).
      const interval = townIntervalMs(tuning);
      return { ms: Math.min(interval, Math.max(UNAVAILABLE_BACKOFF_MS, MAX_DRIVING_INTERVAL_MS + MINUTE_MS - interval)), quietStreak: 0 };
    }
    case 'charging':
      return { ms: CHARGING_INTERVAL_MS, quietStreak: 0 };
    case 'settling':
      return { ms: SLEEP_WINDOW_MS, quietStreak: 0 };
    case 'letting_sleep':
      return { ms: Math.min(SLEEP_WINDOW_MS * 2 ** (memory.quietStreak + 1), MAX_SLEEP_WINDOW_MS), quietStreak: memory.quietStreak + 1 };
    default:
      return { ms: HELD_AWAKE_INTERVAL_MS, quietStreak: 0 };
  }
}

function doubled(memory: PollingMemory, now: number, base: number, max: number): PollingMemory {
  return { ...memory, backoffUntil: now + Math.min(base * 2 ** memory.failureStreak, max), failureStreak: memory.failureStreak + 1 };
}
