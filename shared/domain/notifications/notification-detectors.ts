import { monthKey } from '../billing';
import { isCharging, isDriving, type Snapshot } from '../snapshot';
import type { VehicleProblem } from '../stores';
import type { Notification } from './notification';

/** What a car's detectors remember between readings. */
export interface CarWatch {
  /** When the car was first seen parked and unlocked, in the episode still going on. */
  unlockedSince: number | null;
  /** The episode's notification went out. */
  unlockedNotified: boolean;
  /** The odometer at the last parked reading: a drive's distance runs from there, however many readings it spans. */
  parkedOdometerMi: number | null;
}

export const NEW_WATCH: CarWatch = { unlockedSince: null, unlockedNotified: false, parkedOdometerMi: null };
export const DEFAULT_UNLOCKED_MINUTES = 10;

const parked = (s: Snapshot): boolean => !isDriving(s);
const mi = (n: number): string => `${n.toFixed(1)} mi`;

/**
 * What a new reading tells the owner, compared with the one before: a drive that ended, charging that completed or
 * stopped short of the limit, a car left unlocked, sentry switched, an update offered. Pure; the ids name the events,
 * so seeing the same event again (a retried pass, a re-derived reading) never notifies twice.
 */
export function noticesFromReading(
  vin: string,
  name: string,
  previous: Snapshot | null,
  current: Snapshot,
  watch: CarWatch,
  unlockedMinutes: number,
): { notices: Notification[]; watch: CarWatch } {
  const notices: Notification[] = [];
  const at = current.takenAt;
  const notice = (kind: Notification['kind'], key: string | number, title: string, message: string, data: Notification['data'] = {}): void => {
    notices.push({ id: `${kind}:${vin}:${key}`, kind, vin, at, title: `${name}: ${title}`, message, data: { vin, ...data } });
  };

  // Where the drive began: the last parked reading, else the earliest reading of it there is.
  const startOdometer = watch.parkedOdometerMi ?? previous?.odometerMi ?? null;
  if (previous !== null && previous.takenAt < current.takenAt) {
    const moved = startOdometer !== null && current.odometerMi !== null ? current.odometerMi - startOdometer : 0;
    if (parked(current) && moved >= 0.1) {
      notice('drive_finished', at, `drive finished, ${mi(moved)}`, `Parked after ${mi(moved)}; battery ${current.batteryLevel ?? '?'} %.`, {
        distanceMi: Math.round(moved * 10) / 10,
        batteryLevel: current.batteryLevel,
      });
    }
    if (isCharging(previous) && current.chargingState === 'Complete') {
      notice('charging_complete', at, 'charging complete', `Charged to ${current.batteryLevel ?? '?'} %.`, { batteryLevel: current.batteryLevel });
    }
    const limit = current.detail?.chargeLimitSoc ?? null;
    if (
      isCharging(previous) &&
      (current.chargingState === 'Stopped' || current.chargingState === 'Disconnected') &&
      limit !== null &&
      current.batteryLevel !== null &&
      current.batteryLevel < limit - 1
    ) {
      notice(
        'charging_stopped',
        at,
        `charging stopped at ${current.batteryLevel} %`,
        `Charging stopped at ${current.batteryLevel} %, before the ${limit} % limit (${current.chargingState.toLowerCase()}).`,
        { batteryLevel: current.batteryLevel, chargeLimitSoc: limit },
      );
    }
    if (previous.sentryMode !== null && current.sentryMode !== null && previous.sentryMode !== current.sentryMode) {
      notice('sentry_changed', at, `sentry ${current.sentryMode ? 'on' : 'off'}`, `Sentry mode was switched ${current.sentryMode ? 'on' : 'off'}.`, {
        sentryMode: current.sentryMode,
      });
    }
  }
  const update = current.detail?.softwareUpdateVersion ?? null;
  if (update && current.detail?.softwareUpdateStatus && update !== current.softwareVersion) {
    notice('update_available', update, `software update ${update}`, `Update ${update} is ${current.detail.softwareUpdateStatus}.`, {
      version: update,
      status: current.detail.softwareUpdateStatus,
    });
  }

  const parkedOdometerMi = parked(current) ? current.odometerMi : (startOdometer ?? current.odometerMi);
  let next: CarWatch = { ...watch, parkedOdometerMi };
  if (current.locked === false && parked(current)) {
    if (watch.unlockedSince === null) next = { ...next, unlockedSince: at, unlockedNotified: false };
    if (!next.unlockedNotified && at - next.unlockedSince! >= unlockedMinutes * 60_000) {
      const minutes = Math.round((at - next.unlockedSince!) / 60_000);
      notice('left_unlocked', next.unlockedSince!, `unlocked for ${minutes} min`, `Parked and unlocked since ${new Date(next.unlockedSince!).toISOString()}.`, {
        minutes,
      });
      next = { ...next, unlockedNotified: true };
    }
  } else if (current.locked === true || !parked(current)) {
    next = { ...next, unlockedSince: null, unlockedNotified: false };
  }
  return { notices, watch: next };
}

/** From a pass's view of a car: data gone stale, and the month's budget passing 80 %. */
export function noticesFromPass(vin: string, name: string, problem: VehicleProblem | null | undefined, budgetUsedPercent: number, now: number): Notification[] {
  const notices: Notification[] = [];
  if (problem?.code === 'stale_data') {
    notices.push({
      id: `data_stale:${vin}:${problem.since}`,
      kind: 'data_stale',
      vin,
      at: now,
      title: `${name}: no fresh data`,
      message: problem.message,
      data: { vin, since: new Date(problem.since).toISOString() },
    });
  }
  if (budgetUsedPercent >= 80) {
    const month = monthKey(now);
    notices.push({
      id: `budget_80:${vin}:${month}`,
      kind: 'budget_80',
      vin,
      at: now,
      title: `${name}: ${Math.floor(budgetUsedPercent)} % of the month's Tesla budget`,
      message: `Polling slows down to stay inside the budget for ${month}.`,
      data: { vin, month, budgetUsedPercent },
    });
  }
  return notices;
}

/** The Tesla login is gone: one notice per loss (`since` is when it was first seen), until a login works again. */
export function tokenChainLost(since: number): Notification {
  return {
    id: `token_chain_lost:${since}`,
    kind: 'token_chain_lost',
    vin: null,
    at: since,
    title: 'Tesla login lost',
    message: 'Tesla refused the stored login (login_required). Run `npm run login` again; until then nothing is recorded.',
    data: {},
  };
}

/** An automation's occurrence ended in an error or a refusal. */
export function automationFailed(
  automation: { id: string; name: string; vin: string; command: string },
  run: { at: number; outcome: string; reason: string },
): Notification {
  return {
    id: `automation_failed:${automation.id}:${run.at}`,
    kind: 'automation_failed',
    vin: automation.vin,
    at: run.at,
    title: `Automation failed: ${automation.name}`,
    message: `${automation.command} ${run.outcome}: ${run.reason}`,
    data: { vin: automation.vin, automationId: automation.id, command: automation.command, outcome: run.outcome, reason: run.reason },
  };
}
