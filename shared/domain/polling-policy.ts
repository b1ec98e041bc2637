import { MINUTE_MS } from './clock';
import { isIdle, type Snapshot } from './snapshot';
import type { VehicleOnlineState } from './vehicle';

/**
 * Decides, for one car at one collector run, whether to spend a billed `vehicle_data` request.
 * Pure: all it knows comes in as arguments, all it changes goes out as the returned memory.
 *
 * Rules (after TeslaMate's state machine):
 * - never wake a car: only an `online` car is asked for data;
 * - a car idle for IDLE_BEFORE_SLEEP_MS is left alone for SLEEP_WINDOW_MS so that it can fall asleep
 *   (a data request would reset its sleep timer), while the free state endpoint keeps watching it;
 * - after a 408/429/5xx, wait before asking again.
 */
export const IDLE_BEFORE_SLEEP_MS = 15 * MINUTE_MS;
export const SLEEP_WINDOW_MS = 21 * MINUTE_MS;
export const DEFAULT_RATE_LIMIT_BACKOFF_MS = 5 * MINUTE_MS;
export const UNAVAILABLE_BACKOFF_MS = 1 * MINUTE_MS;
export const SERVER_ERROR_BACKOFF_MS = 2 * MINUTE_MS;

export interface PollingMemory {
  /** Since when the car has looked idle in consecutive snapshots; null while it is in use. */
  idleSince: number | null;
  /** Until when no data is requested so the car can sleep. */
  quietUntil: number | null;
  /** Until when nothing is requested after an error. */
  backoffUntil: number | null;
}

export const INITIAL_MEMORY: PollingMemory = { idleSince: null, quietUntil: null, backoffUntil: null };

export type PollDecision =
  | { action: 'fetch'; reason: 'online' }
  | { action: 'skip'; reason: 'not_online' | 'backing_off' | 'letting_car_sleep' };

export interface PollStep {
  decision: PollDecision;
  memory: PollingMemory;
}

export function decidePoll(memory: PollingMemory, state: VehicleOnlineState, now: number): PollStep {
  if (state !== 'online') {
    // Asleep or offline: the quiet window did its job; start afresh when it wakes.
    return { decision: { action: 'skip', reason: 'not_online' }, memory: { ...memory, idleSince: null, quietUntil: null } };
  }
  if (memory.backoffUntil !== null && now < memory.backoffUntil) {
    return { decision: { action: 'skip', reason: 'backing_off' }, memory };
  }
  if (memory.quietUntil !== null && now < memory.quietUntil) {
    return { decision: { action: 'skip', reason: 'letting_car_sleep' }, memory };
  }
  if (memory.idleSince !== null && now - memory.idleSince >= IDLE_BEFORE_SLEEP_MS && memory.quietUntil === null) {
    return {
      decision: { action: 'skip', reason: 'letting_car_sleep' },
      memory: { ...memory, quietUntil: now + SLEEP_WINDOW_MS },
    };
  }
  return { decision: { action: 'fetch', reason: 'online' }, memory: { ...memory, backoffUntil: null, quietUntil: null } };
}

/** Folds a fresh snapshot into the memory: idle time accumulates only while every snapshot looks idle. */
export function afterSnapshot(memory: PollingMemory, snapshot: Snapshot, now: number): PollingMemory {
  if (!isIdle(snapshot)) return { ...memory, idleSince: null };
  return { ...memory, idleSince: memory.idleSince ?? now };
}

export type PollFailure = { kind: 'unavailable' } | { kind: 'rate_limited'; retryAfterMs: number | null } | { kind: 'server_error' };

export function afterFailure(memory: PollingMemory, failure: PollFailure, now: number): PollingMemory {
  switch (failure.kind) {
    case 'unavailable':
      return { ...memory, backoffUntil: now + UNAVAILABLE_BACKOFF_MS };
    case 'rate_limited':
      return { ...memory, backoffUntil: now + (failure.retryAfterMs ?? DEFAULT_RATE_LIMIT_BACKOFF_MS) };
    case 'server_error':
      return { ...memory, backoffUntil: now + SERVER_ERROR_BACKOFF_MS };
  }
}
