import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../../shared/domain/clock';
import {
  afterFailure,
  afterSnapshot,
  decidePoll,
  INITIAL_MEMORY,
  SLEEP_WINDOW_MS,
  type PollingMemory,
} from '../../../shared/domain/polling-policy';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import type { VehicleOnlineState } from '../../../shared/domain/vehicle';

const parked = snapshotFromVehicleData('V', { vehicle_state: { df: 0, locked: true, sentry_mode: false }, drive_state: { shift_state: null } }, 0);
const driving = snapshotFromVehicleData('V', { drive_state: { shift_state: 'D', speed: 40 } }, 0);
const sentry = snapshotFromVehicleData('V', { vehicle_state: { sentry_mode: true } }, 0);

type Step = { minute: number; state: VehicleOnlineState; car?: typeof parked };

/** Feeds the policy one observation a minute (as the collector would) and returns the minutes at which it fetched. */
function run(steps: Step[]): number[] {
  let memory: PollingMemory = INITIAL_MEMORY;
  const fetched: number[] = [];
  for (const step of steps) {
    const now = step.minute * MINUTE_MS;
    const { decision, memory: next } = decidePoll(memory, step.state, now);
    memory = next;
    if (decision.action === 'fetch') {
      fetched.push(step.minute);
      memory = afterSnapshot(memory, step.car ?? parked, now);
    }
  }
  return fetched;
}

const minutes = (from: number, to: number, state: VehicleOnlineState, car?: typeof parked): Step[] =>
  Array.from({ length: to - from }, (_, i) => ({ minute: from + i, state, ...(car ? { car } : {}) }));

describe('polling policy', () => {
  it('never asks a sleeping or offline car for data', () => {
    expect(run([...minutes(0, 30, 'asleep'), ...minutes(30, 40, 'offline')])).toEqual([]);
  });

  it('polls every run while the car drives', () => {
    expect(run(minutes(0, 20, 'online', driving))).toHaveLength(20);
  });

  it('stops asking a parked car after 15 idle minutes, so it can fall asleep', () => {
    const fetched = run(minutes(0, 40, 'online', parked));
    // Minutes 0..14 fetched (idle since 0); at minute 15 the window opens: silence for 21 minutes, then one check.
    expect(fetched).toEqual([...Array.from({ length: 15 }, (_, i) => i), 36]);
    expect(fetched.some((m) => m >= 15 && m < 15 + SLEEP_WINDOW_MS / MINUTE_MS)).toBe(false);
  });

  it('after the quiet window, checks once and lets a still-idle car alone again', () => {
    const fetched = run(minutes(0, 80, 'online', parked));
    // The window opens on the run after each check: one data request per 22 minutes for a car that will not sleep.
    expect(fetched.filter((m) => m >= 15)).toEqual([36, 58]);
  });

  it('keeps polling a car that sentry mode holds awake (it is not idle, so no quiet window applies)', () => {
    expect(run(minutes(0, 30, 'online', sentry))).toHaveLength(30);
  });

  it('starts afresh after the car slept and woke', () => {
    const fetched = run([...minutes(0, 20, 'online', parked), ...minutes(20, 30, 'asleep'), ...minutes(30, 33, 'online', driving)]);
    expect(fetched.slice(-3)).toEqual([30, 31, 32]);
  });

  it('waits Retry-After after a 429 and a minute after a 408', () => {
    let memory = afterFailure(INITIAL_MEMORY, { kind: 'rate_limited', retryAfterMs: 120_000 }, 0);
    expect(decidePoll(memory, 'online', 119_000).decision.action).toBe('skip');
    expect(decidePoll(memory, 'online', 120_000).decision.action).toBe('fetch');
    memory = afterFailure(INITIAL_MEMORY, { kind: 'unavailable' }, 0);
    expect(decidePoll(memory, 'online', 30_000).decision).toEqual({ action: 'skip', reason: 'backing_off' });
    expect(decidePoll(memory, 'online', 60_000).decision.action).toBe('fetch');
  });
});
