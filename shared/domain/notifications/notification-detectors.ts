import { monthKey } from '../billing';
import { isCharging, isDriving, type Snapshot } from '../snapshot';
import type { VehicleProblem } from '../stores';
import type { Notification } from './notification';
import { NEW_TYRE_WATCH, tyreReadingOf, watchTyres, type TyreWatch } from '../tyres/tyre-watch';

/** What a car's detectors remember between readings. */
export interface CarWatch {
  /** When the car was first seen parked and unlocked, in the episode still going on. */
  unlockedSince: number | null;
  /** The episode's notification went out. */
  unlockedNotified: boolean;
  /** The odometer at the last parked reading: a drive's distance runs from there, however many readings it spans. */
  parkedOdometerMi: number | null;
  /** The tyres' usual offsets and episodes under way (absent in watches kept before tyres were watched). */
  tyres?: TyreWatch;
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
  const notice: Notice = (kind, key, title, message, data = {}) => {
    notices.push({ id: `${kind}:${vin}:${key}`, kind, vin, at, title: `${name}: ${title}`, message, data: { vin, ...data } });
  };
  // Where the drive began: the last parked reading, else the earliest reading of it there is.
  const startOdometer = watch.parkedOdometerMi ?? previous?.odometerMi ?? null;
  if (previous !== null && previous.takenAt < current.takenAt) changeNotices(previous, current, startOdometer, notice);
  const update = current.detail?.softwareUpdateVersion ?? null;
  if (update && current.detail?.softwareUpdateStatus && update !== current.softwareVersion) {
    const status = current.detail.softwareUpdateStatus;
    notice('update_available', update, `software update ${update}`, `Update ${update} is ${status}.`, { version: update, status });
  }
  const parkedOdometerMi = parked(current) ? current.odometerMi : (startOdometer ?? current.odometerMi);
  const tyres = tyreNotices(watch.tyres ?? NEW_TYRE_WATCH, current, notice);
  return { notices, watch: unlockedWatch({ ...watch, parkedOdometerMi, tyres }, current, unlockedMinutes, notice) };
}

/** A tyre low, or losing air faster than the others: once per episode (its id is the wheel and when it began). */
function tyreNotices(watch: TyreWatch, current: Snapshot, notice: Notice): TyreWatch {
  const reading = tyreReadingOf(current);
  if (reading === null) return watch;
  const { alerts, watch: next } = watchTyres(watch, reading);
  for (const a of alerts) {
    const title = a.kind === 'tyre_low' ? `${a.wheel.toUpperCase()} tyre low, ${a.bar.toFixed(2)} bar` : `${a.wheel.toUpperCase()} tyre losing air`;
    const extra: Notification['data'] = a.kind === 'tyre_low' ? { limitBar: a.limitBar, byCar: a.byCar } : { droppedBar: a.droppedBar };
    notice(a.kind, `${a.wheel}:${a.since}`, title, a.message, { wheel: a.wheel, bar: a.bar, ...extra });
  }
  return next;
}

type Notice = (kind: Notification['kind'], key: string | number, title: string, message: string, data?: Notification['data']) => void;

/** What changed between two readings: a drive that ended, charging that completed or stopped early, sentry. */
function changeNotices(previous: Snapshot, current: Snapshot, startOdometer: number | null, notice: Notice): void {
  const at = current.takenAt;
  const level = current.batteryLevel;
  const moved = startOdometer !== null && current.odometerMi !== null ? current.odometerMi - startOdometer : 0;
  if (parked(current) && moved >= 0.1) {
    const data = { distanceMi: Math.round(moved * 10) / 10, batteryLevel: level };
    notice('drive_finished', at, `drive finished, ${mi(moved)}`, `Parked after ${mi(moved)}; battery ${level ?? '?'} %.`, data);
  }
  if (isCharging(previous) && current.chargingState === 'Complete') {
    notice('charging_complete', at, 'charging complete', `Charged to ${level ?? '?'} %.`, { batteryLevel: level });
  }
  const limit = current.detail?.chargeLimitSoc ?? null;
  const stopped = current.chargingState === 'Stopped' || current.chargingState === 'Disconnected';
  if (isCharging(previous) && stopped && limit !== null && level !== null && level < limit - 1) {
    const message = `Charging stopped at ${level} %, before the ${limit} % limit (${current.chargingState!.toLowerCase()}).`;
    notice('charging_stopped', at, `charging stopped at ${level} %`, message, { batteryLevel: level, chargeLimitSoc: limit });
  }
  if (previous.sentryMode !== null && current.sentryMode !== null && previous.sentryMode !== current.sentryMode) {
    const onOff = current.sentryMode ? 'on' : 'off';
    notice('sentry_changed', at, `sentry ${onOff}`, `Sentry mode was switched ${onOff}.`, { sentryMode: current.sentryMode });
  }
}

/** Parked and unlocked: told once, after `unlockedMinutes`; locking or driving off starts over. */
function unlockedWatch(watch: CarWatch, current: Snapshot, unlockedMinutes: number, notice: Notice): CarWatch {
  const at = current.takenAt;
  if (current.locked === true || !parked(current)) return { ...watch, unlockedSince: null, unlockedNotified: false };
  if (current.locked !== false) return watch;
  let next = watch.unlockedSince === null ? { ...watch, unlockedSince: at, unlockedNotified: false } : watch;
  const since = next.unlockedSince!;
  if (!next.unlockedNotified && at - since >= unlockedMinutes * 60_000) {
    const minutes = Math.round((at - since) / 60_000);
    notice('left_unlocked', since, `unlocked for ${minutes} min`, `Parked and unlocked since ${new Date(since).toISOString()}.`, { minutes });
    next = { ...next, unlockedNotified: true };
  }
  return next;
}

/** From a pass's view of a car: data gone stale, and the month's budget passing 80 %. */
export function noticesFromPass(
  vin: string,
  name: string,
  problem: VehicleProblem | null | undefined,
  budgetUsedPercent: number,
  now: number,
  streamingExpiresAt?: number,
): Notification[] {
  const notices: Notification[] = [];
  if (problem?.code === 'streaming_silent') {
    notices.push({
      id: `streaming_silent:${vin}:${problem.since}`,
      kind: 'streaming_silent',
      vin,
      at: now,
      title: `${name}: not streaming`,
      message: problem.message,
      data: { vin, since: new Date(problem.since).toISOString() },
    });
  }
  if (streamingExpiresAt !== undefined && streamingExpiresAt > now) {
    const day = new Date(streamingExpiresAt).toISOString().slice(0, 10);
    notices.push({
      id: `streaming_expiring:${vin}:${streamingExpiresAt}`,
      kind: 'streaming_expiring',
      vin,
      at: now,
      title: `${name}: streaming ends on ${day}`,
      message: `The car's streaming configuration expires on ${day}; PUT /streaming renews it for a year.`,
      data: { vin, expiresAt: new Date(streamingExpiresAt).toISOString() },
    });
  }
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
