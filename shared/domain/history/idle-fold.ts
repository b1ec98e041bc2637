import { MINUTE_MS } from '../clock';
import type { IdlePeriod, StateChange } from './history-records';
import {
  beforeCharged,
  milesPerPercent,
  round,
  type HistoryOptions,
  type HistoryReading,
  type HistoryState,
  type SleepBounds,
  type SleepSeen,
  NO_SLEEP_BOUNDS,
} from './history-state';

/** Idle periods shorter than this are not recorded (a stop between errands). */
const MIN_IDLE_MS = 60 * MINUTE_MS;

/**
 * The idle part of a reading: a period runs from the end of a drive or session (or the first reading) to the last
 * reading before the next one, with the drain over it and the share of it the car slept.
 */
export function foldIdle(
  vin: string,
  state: Pick<HistoryState, 'idleSince' | 'sleep' | 'charge' | 'last'>,
  reading: HistoryReading,
  now: { driving: boolean; charging: boolean; closedRecords: boolean },
  options: HistoryOptions,
  bounds: SleepBounds = NO_SLEEP_BOUNDS,
): { idleSince: HistoryReading | null; sleep: SleepSeen | undefined; closed: IdlePeriod[] } {
  const out: { idles: IdlePeriod[] } = { idles: [] };
  const last = state.last;
  // Idle periods: from the end of a drive or session (or the first reading) to the last reading before the next.
  let idleSince = state.idleSince ?? null;
  let sleep = state.sleep;
  const busyNow = now.driving || now.charging || now.closedRecords;
  if (busyNow && idleSince !== null && last !== null) {
    const end = wakeEnd(last, reading, bounds) ?? idleEnd(idleSince, last, reading, state.charge === null && now.charging, options);
    const asleepMs =
      sleep === undefined
        ? null
        : end.endedByCharge || end.endedByWake
          ? asleepUntil(sleep, idleSince.at, end.point.at)
          : (sleep.asleepMsAtLast ?? asleepUntil(sleep, idleSince.at, last.at));
    if (end.point.at - idleSince.at >= MIN_IDLE_MS) out.idles.push(idlePeriod(vin, idleSince, end, asleepMs));
  }
  if (busyNow) idleSince = null;
  if (!now.driving && !now.charging && (idleSince === null || now.closedRecords)) {
    idleSince = reading;
    if (sleep !== undefined) sleep = { ...sleep, asleepMs: 0 };
  }
  if (sleep !== undefined) sleep = { ...sleep, asleepMsAtLast: idleSince === null ? 0 : asleepUntil(sleep, idleSince.at, reading.at) };
  return { idleSince, sleep, closed: out.idles };
}

/** Folds in a change of the listed state: sleep within an idle period is counted towards its `asleepShare`. */
export function foldStateChange(state: HistoryState, change: Pick<StateChange, 'at' | 'state' | 'since'>): HistoryState {
  const sleep = state.sleep ?? { asleepSince: null, asleepMs: 0 };
  const afterLast = state.last === null || change.at > state.last.at;
  if (change.state === 'asleep') {
    // The first sleep seen since the last reading bounds the end of a drive that reading left open.
    const asleepAt = state.asleepAt ?? (afterLast ? change.at : null);
    return { ...state, asleepAt, sleep: sleep.asleepSince !== null ? sleep : { ...sleep, asleepSince: change.at } };
  }
  const idleStart = state.idleSince?.at ?? null;
  // Leaving sleep: asleep until at least the last list that said so (or, for older changes, the first).
  const wake = sleep.asleepSince !== null && afterLast ? { after: Math.max(change.since ?? sleep.asleepSince, sleep.asleepSince) } : (state.wake ?? null);
  return {
    ...state,
    wake,
    sleep: { ...sleep, asleepSince: null, asleepMs: idleStart === null ? sleep.asleepMs : asleepUntil(sleep, idleStart, change.at) },
  };
}

/** Range moves in steps and lags: a gain this small (in points) is noise, not a charge. */
const GAIN_TOLERANCE_POINTS = 0.5;

interface IdleEnd {
  point: Pick<HistoryReading, 'at' | 'batteryLevel' | 'rangeMi'>;
  endedByCharge: boolean;
  endedByWake?: boolean;
}

/**
 * A car that slept since its last parked reading and was first read already driving, just after it woke: it stood
 * until it woke, an hour or more after that reading. The period ends then, where the car stood as it woke.
 */
function wakeEnd(last: HistoryReading, reading: HistoryReading, bounds: SleepBounds): IdleEnd | null {
  const { wokeAfter, atWake } = bounds;
  if (wokeAfter === null || atWake === null || !reading.moving || wokeAfter - last.at < MIN_IDLE_MS) return null;
  return { point: { at: wokeAfter, ...atWake }, endedByCharge: false, endedByWake: true };
}

/**
 * Where an idle period ends: at the last parked reading before the drive or session that ends it. When that is the
 * period's own first reading and a charging session has just begun, the first charging reading stands in for it,
 * less what the session had added by then (the car's `charge_energy_added`): a car read once when it parked and
 * again when it began charging at night still shows its evening's drain.
 */
function idleEnd(since: HistoryReading, last: HistoryReading, reading: HistoryReading, chargeBegan: boolean, options: HistoryOptions): IdleEnd {
  if (last.at > since.at || !chargeBegan || !reading.charging || reading.energyAddedKwh === null || reading.batteryLevel === null)
    return { point: last, endedByCharge: false };
  const before = beforeCharged(reading, reading.energyAddedKwh, options);
  return {
    point: {
      at: reading.at,
      batteryLevel: round(before.batteryLevel!, 1),
      rangeMi: before.rangeMi === null ? null : round(before.rangeMi, 2),
    },
    endedByCharge: true,
  };
}

/** Sleep within an idle period that began at `from`, counted up to `to`. */
function asleepUntil(sleep: SleepSeen, from: number, to: number): number {
  return sleep.asleepMs + (sleep.asleepSince !== null ? Math.max(0, to - Math.max(sleep.asleepSince, from)) : 0);
}

function idlePeriod(vin: string, from: HistoryReading, end: IdleEnd, asleepMs: number | null): IdlePeriod {
  const to = end.point;
  const durationMs = to.at - from.at;
  const lost = from.batteryLevel !== null && to.batteryLevel !== null ? round(from.batteryLevel - to.batteryLevel, 1) : null;
  // The car reports whole percent but range to 0.01 mi: the drain per day is read from the range where it can be.
  const perPercent = milesPerPercent(from);
  const measured = perPercent !== null && to.rangeMi !== null ? (from.rangeMi! - to.rangeMi) / perPercent : lost;
  // A parked car does not gain charge: a period that shows a gain took in a charge no reading saw, or its end was
  // worked out from a pack size that is not this car's. No drain, rather than a negative one.
  const gained = measured !== null && measured < -GAIN_TOLERANCE_POINTS;
  const drainLost = gained ? null : measured;
  return {
    vin,
    id: String(from.at),
    startAt: from.at,
    endAt: to.at,
    durationMs,
    startBatteryLevel: from.batteryLevel,
    endBatteryLevel: to.batteryLevel,
    batteryLost: lost,
    rangeLostMi: from.rangeMi !== null && to.rangeMi !== null && !gained ? round(from.rangeMi - to.rangeMi, 1) : null,
    drainPercentPerDay: drainLost === null ? null : round((drainLost * 86_400_000) / durationMs, 2),
    asleepShare: asleepMs === null ? null : round(Math.min(1, asleepMs / durationMs), 3),
    ...(end.endedByCharge ? { endedByCharge: true } : {}),
    ...(end.endedByWake ? { endedByWake: true } : {}),
  };
}
