import { chargerDrawKw } from './charger-draw';
import { isCharging, isDriving, type Snapshot } from '../snapshot';
import { foldCharge } from './charge-fold';
import { foldDrive } from './drive-fold';
import type { StateChange } from './history-records';
import {
  EMPTY_HISTORY,
  drivingMs,
  type HistoryOptions,
  type HistoryReading,
  type HistoryState,
  type HistoryStep,
  type SleepBounds,
  ratedWhPerMiOf,
  round,
} from './history-state';
import { MINUTE_MS } from '../clock';
import { atRatedConsumption } from './rated-reestimate';
import { foldIdle, foldStateChange } from './idle-fold';

export {
  EMPTY_HISTORY,
  type HistoryOptions,
  type HistoryReading,
  type HistoryState,
  type HistoryStep,
  type OpenCharge,
  type OpenDrive,
  type SleepSeen,
} from './history-state';
export { foldStateChange } from './idle-fold';

/**
 * Turns a car's snapshots, fed in the order they were taken, into drives, charging sessions and software versions.
 * Pure: the state goes in and comes out, so the collector can keep it between passes and `rederive` can replay
 * stored snapshots and get the same records.
 *
 * Readings are sparse (a driving car is read every few minutes, a parked one about once per parking), so a record
 * says how precisely its bounds are known. The odometer makes distances exact whatever the gaps: a drive nobody saw
 * (parked, parked, further on) is still recorded, marked as possibly hiding stops.
 */

/** The car's rated consumption is the median of its last this many sessions that showed it. */
const RATED_SAMPLES = 9;

/** One reading, folded by each concern in turn: software versions, drives, charging sessions, idle periods. */
export function foldSnapshot(state: HistoryState, snapshot: Snapshot, options: HistoryOptions): HistoryStep {
  const out: HistoryStep = { state, drives: [], charges: [], versions: [], idles: [] };
  if (snapshot.odometerMi === null || (state.last !== null && snapshot.takenAt <= state.last.at)) return out;
  const vin = snapshot.vin;
  const reading = readingOf(snapshot);
  let version = state.version;
  if (snapshot.softwareVersion !== null && snapshot.softwareVersion !== version) {
    out.versions.push({ vin, version: snapshot.softwareVersion, firstSeenAt: reading.at });
    version = snapshot.softwareVersion;
  }
  const bounds = sleepBounds(state, reading);
  // The car's rated consumption as its charging has shown it so far, for the drive's energy and an idle period's end.
  const withRated = { ...options, ratedWhPerMi: ratedWhPerMiOf(state) };
  const { drive, closed: drives } = foldDrive(vin, state.drive, state.last, reading, withRated, bounds);
  const { charge, closed: charges } = foldCharge(vin, state.charge, state.last, reading, drive);
  const closedRecords = drives.length > 0 || charges.length > 0;
  const idle = foldIdle(vin, state, reading, { driving: drive !== null, charging: charge !== null, closedRecords }, withRated, bounds);
  out.drives.push(...drives);
  out.charges.push(...charges);
  out.idles.push(...idle.closed);
  const rated = [...(state.ratedWhPerMi ?? []), ...charges.flatMap((c) => (c.ratedWhPerMi === undefined ? [] : [c.ratedWhPerMi]))].slice(-RATED_SAMPLES);
  out.state = {
    last: reading,
    drive,
    charge,
    version,
    idleSince: idle.idleSince,
    ...(idle.sleep !== undefined ? { sleep: idle.sleep } : {}),
    ...(rated.length > 0 ? { ratedWhPerMi: rated } : {}),
  };
  return out;
}

/** A reading this soon after the car left sleep was taken as it woke. */
const READ_ON_WAKE_MS = 5 * MINUTE_MS;
/** A reading on waking at most this far on from where the car slept stands for where it stood as it woke. */
const WAKE_READ_MI = 2;

/**
 * The most a car is taken to average between waking and its first moving reading (twice that reading's speed if that
 * is more: it may have been read at a light). Past it, the miles since the reading before the sleep were not all
 * driven after the wake.
 */
const WAKE_DRIVE_MPH = 60;

/**
 * The listed states' bounds between the last reading and this one (a wake after this reading is not this one's). A
 * moving reading further on from the last than it could have driven since the wake drove before it slept too (a read
 * lost to a weak signal can hide that drive): the wake bounds nothing, and the sleep is a stop no reading saw.
 */
function sleepBounds(state: HistoryState, reading: HistoryReading): SleepBounds {
  const { last } = state;
  const after = state.wake?.after ?? null;
  const woke = after !== null && after < reading.at && (last === null || after > last.at) ? after : null;
  const wokeAfter = woke !== null && last !== null && reading.moving && !drivableSince(woke, last, reading) ? null : woke;
  const asleepAt = state.asleepAt != null && state.asleepAt < reading.at ? state.asleepAt : null;
  const readOnWake = wokeAfter !== null && reading.at - wokeAfter <= READ_ON_WAKE_MS;
  const covered = last === null ? null : reading.odometerMi - last.odometerMi;
  const atWake =
    readOnWake && covered !== null && covered >= 0 && covered <= WAKE_READ_MI
      ? { batteryLevel: reading.batteryLevel, rangeMi: reading.rangeMi === null ? null : round(reading.rangeMi + covered, 2), coveredMi: covered }
      : null;
  return { wokeAfter, asleepAt, readOnWake, atWake };
}

/** Whether the miles from `last` to a moving reading could have been driven since `from`. */
function drivableSince(from: number, last: HistoryReading, reading: HistoryReading): boolean {
  const mph = Math.max(2 * (reading.speedMph ?? 0), WAKE_DRIVE_MPH);
  return drivingMs(reading.odometerMi - last.odometerMi, mph) <= reading.at - from;
}

/**
 * Replays snapshots and state changes (any order; merged by time here, a change before a reading taken at the same
 * moment) from an empty state: what `rederive` does. Its drives are as stored once the recorder has estimated again
 * those from before the car's consumption was known (see atRatedConsumption).
 */
export function deriveHistory(
  snapshots: readonly Snapshot[],
  options: HistoryOptions,
  from: HistoryState = EMPTY_HISTORY,
  changes: readonly StateChange[] = [],
): HistoryStep {
  const all: HistoryStep = { state: from, drives: [], charges: [], versions: [], idles: [] };
  const pending = [...changes].sort((a, b) => a.at - b.at);
  let next = 0;
  for (const snapshot of [...snapshots].sort((a, b) => a.takenAt - b.takenAt)) {
    while (next < pending.length && pending[next]!.at <= snapshot.takenAt) all.state = foldStateChange(all.state, pending[next++]!);
    const step = foldSnapshot(all.state, snapshot, options);
    all.state = step.state;
    all.drives.push(...step.drives);
    all.charges.push(...step.charges);
    all.versions.push(...step.versions);
    all.idles.push(...step.idles);
  }
  while (next < pending.length) all.state = foldStateChange(all.state, pending[next++]!);
  // Drives from before the car's charging showed its rated consumption, at that consumption now that it has.
  const rated = ratedWhPerMiOf(all.state);
  return { ...all, drives: all.drives.map((d) => atRatedConsumption(d, rated)) };
}

/** Usable pack capacity by model (VIN position 4), when the owner has not set one: a round figure, for estimates. */
export function defaultPackKwh(vin: string): number {
  const model = vin.charAt(3).toUpperCase();
  return model === 'S' || model === 'X' ? 95 : 75;
}

function readingOf(s: Snapshot): HistoryReading {
  const charging = isCharging(s);
  return {
    at: s.takenAt,
    odometerMi: s.odometerMi!,
    batteryLevel: s.batteryLevel,
    usableBatteryLevel: s.detail?.usableBatteryLevel ?? null,
    rangeMi: s.rangeMi,
    location: s.location,
    moving: isDriving(s),
    charging,
    pluggedIn: s.chargingState !== null && s.chargingState !== 'Disconnected',
    speedMph: s.speedMph,
    energyAddedKwh: s.detail?.chargeEnergyAddedKwh ?? null,
    powerKw: charging ? (s.detail?.chargerPowerKw ?? null) : null,
    drawKw: charging ? chargerDrawKw(s.detail) : null,
    fastCharger: s.detail?.fastChargerPresent ?? null,
    outsideTempC: s.detail?.outsideTempC ?? null,
  };
}
