import { describe, expect, it } from '@jest/globals';
import { budgetPace, costUsd, monthFraction } from '../../../shared/domain/billing';
import { HOUR_MS, MINUTE_MS } from '../../../shared/domain/clock';
import {
  afterFailure,
  afterSnapshot,
  decidePoll,
  DEFAULT_TUNING,
  INITIAL_MEMORY,
  normalizeMemory,
  type PollingMemory,
} from '../../../shared/domain/polling-policy';
import { snapshotFromVehicleData, type Snapshot } from '../../../shared/domain/snapshot';
import type { VehicleOnlineState } from '../../../shared/domain/vehicle';

const car = (fields: object) => snapshotFromVehicleData('V', fields, 0);
const parked = car({ vehicle_state: { df: 0, locked: true, sentry_mode: false }, drive_state: { shift_state: null } });
const driving = car({ drive_state: { shift_state: 'D', speed: 40 } });
const charging = car({ charge_state: { charging_state: 'Charging' } });
const sentry = car({ vehicle_state: { sentry_mode: true } });

/** One minute of a scenario: what the free state call says, and what vehicle_data would answer. */
type Minute = { state: VehicleOnlineState; car?: Snapshot };
const span = (n: number, state: VehicleOnlineState, c?: Snapshot): Minute[] => Array.from({ length: n }, () => ({ state, ...(c ? { car: c } : {}) }));

/** Feeds the policy one collector run a minute and returns the minutes at which it asked for data. */
function run(minutes: Minute[], pace = { slowdown: 1, exhausted: false }, tuning = DEFAULT_TUNING): number[] {
  let memory: PollingMemory = INITIAL_MEMORY;
  const fetched: number[] = [];
  minutes.forEach((m, minute) => {
    const now = minute * MINUTE_MS;
    const step = decidePoll(memory, m.state, now, pace);
    memory = step.memory;
    if (step.decision.action === 'fetch') {
      fetched.push(minute);
      memory = afterSnapshot(memory, m.car ?? parked, now, pace, tuning);
    }
  });
  return fetched;
}

describe('polling policy scenarios', () => {
  it('never asks a sleeping or offline car for data', () => {
    expect(run([...span(30, 'asleep'), ...span(10, 'offline')])).toEqual([]);
  });

  it('asks as soon as a car comes online, every 5 minutes while it drives, and once it has parked', () => {
    // asleep 10 min, wakes and drives 30 min, parks.
    const day = [...span(10, 'asleep'), ...span(30, 'online', driving), ...span(20, 'online', parked)];
    expect(run(day)).toEqual([10, 15, 20, 25, 30, 35, 40, 45]);
  });

  it('leaves a parked, idle car alone so it can fall asleep, after one more read a driving interval later', () => {
    // Parked from minute 0; the car would sleep 15 minutes after the last read.
    const fetched = run([...span(20, 'online', parked), ...span(40, 'asleep')]);
    expect(fetched).toEqual([0, 5]);
  });

  it('gives a car that will not sleep ever longer quiet windows', () => {
    const fetched = run(span(330, 'online', parked));
    expect(fetched).toEqual([0, 5, 5 + 21, 5 + 21 + 42, 5 + 21 + 42 + 84, 5 + 21 + 42 + 84 + 168]);
  });

  it('reads a car just parked once more, which sees it set off again after a short stop', () => {
    // An errand: 12 minutes' drive, a 4-minute stop, then on for 10 minutes.
    const errand = [...span(12, 'online', driving), ...span(4, 'online', parked), ...span(10, 'online', driving), ...span(30, 'online', parked)];
    const fetched = run(errand);
    // Read parked at 15, once more at 20 (driving again, where the quiet window would have waited until 36), parked at 30.
    expect(fetched.slice(0, 7)).toEqual([0, 5, 10, 15, 20, 25, 30]);
    expect(fetched).toContain(35); // the settling read after the second parking
    // A car that woke and is about to be driven (the owner walked up with the phone key) is seen driving off as well.
    expect(run([...span(5, 'asleep'), ...span(2, 'online', parked), ...span(20, 'online', driving)]).slice(0, 3)).toEqual([5, 10, 15]);
  });

  it('reads a car found parked further on than it was (it drove in the quiet window) as one just parked', () => {
    const at = (odometer: number) => snapshotFromVehicleData('V', { vehicle_state: { odometer }, drive_state: { shift_state: null } }, 0);
    // Parked at 100 mi and left to sleep; it drove 3 miles unseen and is parked again when the quiet window ends.
    const minutes = [...span(6, 'online', at(100)), ...span(20, 'online', at(100)), ...span(30, 'online', at(103))];
    const fetched = run(minutes);
    expect(fetched).toEqual([0, 5, 26, 31, 52]);
    // Not moved: the next window is twice as long.
    expect(run(span(60, 'online', at(100)))).toEqual([0, 5, 26]);
  });

  it('reads a charging car again when it expects to be full (its own estimate, plus 5 minutes, within 10–30 min)', () => {
    const toFull = (hours: number) => car({ charge_state: { charging_state: 'Charging', time_to_full_charge: hours } });
    expect(run(span(40, 'online', toFull(0.2)))).toEqual([0, 17, 34]);
    // Longer sessions every 30 minutes all the same: the car may be unplugged and driven off before it is full.
    expect(run(span(70, 'online', toFull(6.5)))).toEqual([0, 30, 60]);
    expect(run(span(25, 'online', toFull(0.02)))).toEqual([0, 10, 20]);
  });

  it('reads a car at highway speed only every 12 minutes: short stops are made in town', () => {
    const highway = car({ drive_state: { shift_state: 'D', speed: 68 } });
    expect(run([...span(1, 'online', driving), ...span(40, 'online', highway)])).toEqual([0, 5, 17, 29]);
  });

  it('reads a driving car at the interval the owner tuned, never beyond the 14 minutes that still catch every parking', () => {
    expect(run(span(31, 'online', driving), undefined, { drivingIntervalMs: 10 * MINUTE_MS })).toEqual([0, 10, 20, 30]);
    expect(run(span(31, 'online', driving), undefined, { drivingIntervalMs: 60 * MINUTE_MS })).toEqual([0, 14, 28]);
  });

  it('after a 408 from a car the list calls online, asks again a minute later only a read that cannot wait', () => {
    // Driving: what the lost read would have seen (a parking) is gone once the car drives on or sleeps.
    const drivingNow = afterSnapshot(INITIAL_MEMORY, driving, 0);
    const lost = afterFailure(drivingNow, { kind: 'unavailable' }, 5 * MINUTE_MS);
    expect(decidePoll(lost, 'online', 5.5 * MINUTE_MS).decision).toEqual({ action: 'skip', reason: 'backing_off' });
    expect(decidePoll(lost, 'online', 6 * MINUTE_MS).decision).toEqual({ action: 'fetch', reason: 'due' });
    // Lost again: its schedule, 5 minutes on.
    const lostAgain = afterFailure(lost, { kind: 'unavailable' }, 6 * MINUTE_MS);
    expect(decidePoll(lostAgain, 'online', 10 * MINUTE_MS).decision).toEqual({ action: 'skip', reason: 'waiting' });
    expect(decidePoll(lostAgain, 'online', 11 * MINUTE_MS).decision).toEqual({ action: 'fetch', reason: 'due' });
    // At a 14-minute driving interval, lost twice, it asks again a minute later: a parking is still read before the car sleeps.
    const slow = { drivingIntervalMs: 14 * MINUTE_MS };
    const lostSlow = afterFailure(afterSnapshot(INITIAL_MEMORY, driving, 0, undefined, slow), { kind: 'unavailable' }, 14 * MINUTE_MS, slow);
    const lostSlowAgain = afterFailure(lostSlow, { kind: 'unavailable' }, 15 * MINUTE_MS, slow);
    expect(decidePoll(lostSlowAgain, 'online', 17 * MINUTE_MS).decision).toEqual({ action: 'fetch', reason: 'due' });
    // The settling read, and the read after a quiet window: it may have driven on, and would sleep before the next
    // window ends. Lost again, it gets the next, longer quiet window.
    const lostSettling = afterFailure(afterSnapshot(INITIAL_MEMORY, parked, 0), { kind: 'unavailable' }, 5 * MINUTE_MS);
    expect(lostSettling).toMatchObject({ phase: 'settling', nextDataAt: 6 * MINUTE_MS });
    expect(afterFailure(lostSettling, { kind: 'unavailable' }, 6 * MINUTE_MS)).toMatchObject({ nextDataAt: (6 + 21) * MINUTE_MS, quietStreak: 0 });
    const resting = afterSnapshot(afterSnapshot(INITIAL_MEMORY, parked, 0), parked, 0);
    const lostResting = afterFailure(resting, { kind: 'unavailable' }, 21 * MINUTE_MS);
    expect(lostResting).toMatchObject({ phase: 'letting_sleep', nextDataAt: 22 * MINUTE_MS, quietStreak: 0 });
    const lostTwice = afterFailure(lostResting, { kind: 'unavailable' }, 22 * MINUTE_MS);
    expect(lostTwice).toMatchObject({ phase: 'letting_sleep', nextDataAt: (22 + 42) * MINUTE_MS, quietStreak: 1 });
    // Charging, or held awake: its usual pace.
    const lostCharging = afterFailure(afterSnapshot(INITIAL_MEMORY, charging, 0), { kind: 'unavailable' }, 20 * MINUTE_MS);
    expect(lostCharging.nextDataAt).toBe(40 * MINUTE_MS);
    // A car just come online is taken as asleep.
    expect(afterFailure(INITIAL_MEMORY, { kind: 'unavailable' }, 0).phase).toBe('asleep');
  });

  it('polls a charging car every 20 minutes and a car held awake by sentry every 30', () => {
    expect(run(span(61, 'online', charging))).toEqual([0, 20, 40, 60]);
    expect(run(span(61, 'online', sentry))).toEqual([0, 30, 60]);
  });

  it('catches a second drive after a stop longer than the settling read, once the quiet window ends', () => {
    const errand = [...span(10, 'online', driving), ...span(8, 'online', parked), ...span(30, 'online', driving), ...span(10, 'online', parked)];
    const fetched = run(errand);
    expect(fetched.slice(0, 5)).toEqual([0, 5, 10, 15, 36]); // parked at 10 and 15, window ends at 36: driving again
    expect(fetched).toContain(51); // and its end is seen
  });

  it('stretches intervals when the budget runs ahead, and stops billed polling when it is spent', () => {
    expect(run(span(30, 'online', driving), { slowdown: 2, exhausted: false })).toEqual([0, 10, 20]);
    expect(run(span(30, 'online', driving), { slowdown: 1, exhausted: true })).toEqual([]);
  });

  it('waits Retry-After after a 429, and treats a 408 as asleep', () => {
    let memory = afterFailure({ ...INITIAL_MEMORY, phase: 'driving' }, { kind: 'rate_limited', retryAfterMs: 120_000 }, 0);
    expect(decidePoll(memory, 'online', 119_000).decision).toEqual({ action: 'skip', reason: 'backing_off' });
    expect(decidePoll(memory, 'online', 120_000).decision.action).toBe('fetch');
    memory = afterFailure(INITIAL_MEMORY, { kind: 'unavailable' }, 0);
    expect(memory.phase).toBe('asleep');
    expect(decidePoll(memory, 'online', 30_000).decision).toEqual({ action: 'skip', reason: 'backing_off' });
    expect(decidePoll(memory, 'online', 60_000).decision).toEqual({ action: 'fetch', reason: 'came_online' });
  });

  it('backs off a badly connected car that the list calls online but that answers 408 each time', () => {
    let memory: PollingMemory = INITIAL_MEMORY;
    const asked: number[] = [];
    for (let minute = 0; minute < 120; minute++) {
      const step = decidePoll(memory, 'online', minute * MINUTE_MS);
      memory = step.memory;
      if (step.decision.action === 'fetch') {
        asked.push(minute);
        memory = afterFailure(memory, { kind: 'unavailable' }, minute * MINUTE_MS);
      }
    }
    expect(asked).toEqual([0, 1, 3, 7, 15, 31, 61, 91]); // waits of 1, 2, 4, 8, 16 then 30 minutes
    // Once it really sleeps, it starts afresh.
    memory = decidePoll(memory, 'asleep', 120 * MINUTE_MS).memory;
    expect(afterFailure(memory, { kind: 'unavailable' }, 121 * MINUTE_MS).backoffUntil).toBe(122 * MINUTE_MS);
  });

  it('after a refusal that would repeat (a 403, say) waits an hour, doubling up to a day, until a snapshot succeeds', () => {
    const waits: number[] = [];
    let memory: PollingMemory = { ...INITIAL_MEMORY, phase: 'driving' };
    let now = 0;
    for (let i = 0; i < 7; i++) {
      memory = afterFailure(memory, { kind: 'refused' }, now);
      waits.push((memory.backoffUntil! - now) / HOUR_MS);
      expect(decidePoll(memory, 'online', memory.backoffUntil! - 1).decision).toEqual({ action: 'skip', reason: 'backing_off' });
      now = memory.backoffUntil!;
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 24, 24]);
    memory = afterSnapshot(memory, driving, now);
    expect(afterFailure(memory, { kind: 'refused' }, now).backoffUntil).toBe(now + HOUR_MS); // the streak starts over
  });

  it('reads memory written by an older version as a fresh start', () => {
    expect(normalizeMemory({ idleSince: 5, quietUntil: null })).toEqual(INITIAL_MEMORY);
    expect(normalizeMemory(undefined)).toEqual(INITIAL_MEMORY);
  });
});

describe('budget', () => {
  it('prices requests as Tesla does', () => {
    expect(costUsd({ data: 500, command: 1000, wake: 50, free: 99, history: 0 })).toBeCloseTo(3, 10);
  });

  it('slows polling when spend runs ahead of a straight line through the month, and stops near the end of the budget', () => {
    const mid = Date.parse('2026-11-16T00:00:00Z'); // half way through November
    expect(monthFraction(mid)).toBeCloseTo(0.5, 5);
    expect(budgetPace(2, 10, mid)).toEqual({ slowdown: 1, exhausted: false });
    expect(budgetPace(6, 10, mid)).toEqual({ slowdown: 2, exhausted: false });
    expect(budgetPace(9, 10, mid)).toEqual({ slowdown: 4, exhausted: false });
    expect(budgetPace(9.6, 10, mid)).toEqual({ slowdown: 8, exhausted: true });
    // Early in the month a little spend is no alarm.
    expect(budgetPace(0.9, 10, Date.parse('2026-11-01T06:00:00Z')).slowdown).toBe(1);
  });
});
