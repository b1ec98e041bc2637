import { MINUTE_MS } from '../clock';
import { isCharging, isDriving, type Snapshot } from '../snapshot';
import type { ChargingSession, Drive, HistoryPoint, IdlePeriod, SoftwareVersionSeen, StateChange } from './history-records';

/**
 * Turns a car's snapshots, fed in the order they were taken, into drives, charging sessions and software versions.
 * Pure: the state goes in and comes out, so the collector can keep it between passes and `rederive` can replay
 * stored snapshots and get the same records.
 *
 * Readings are sparse (a driving car is read every few minutes, a parked one about once per parking), so a record
 * says how precisely its bounds are known. The odometer makes distances exact whatever the gaps: a drive nobody saw
 * (parked, parked, further on) is still recorded, marked as possibly hiding stops.
 */

/** Below this odometer change between two parked readings, the car did not drive (GPS-free rounding noise). */
const MIN_DRIVE_MI = 0.1;
/**
 * Readings further apart than this inside a drive may hide a stop, whatever the odometer says: the car could have
 * parked long enough to fall asleep between them. Shorter gaps (the collector reads a car on a highway every 12
 * minutes) are judged by the odometer against the speeds (STOPPED_SPEED_SHARE).
 */
const HIDDEN_STOP_GAP_MS = 15 * MINUTE_MS;
/**
 * Between two readings that both saw the car moving at a speed, an average speed (odometer over time) below this
 * share of the slower of the two says it stood still for part of the gap: a stop no reading saw.
 */
const STOPPED_SPEED_SHARE = 0.5;
/** A first moving reading at most this long after a parked one is judged by the odometer against its speed. */
const OPENING_GAP_MS = 25 * MINUTE_MS;
/** Speeds below this (mph) are crawling in traffic, and say nothing about stops. */
const MOVING_MPH = 5;
/** A rise of the battery level this large between two readings, with no drive and no charging reading, was a charge. */
const UNSEEN_CHARGE_POINTS = 2;

export interface HistoryReading extends HistoryPoint {
  usableBatteryLevel: number | null;
  moving: boolean;
  charging: boolean;
  /** Plugged in, charging or not (absent in readings stored before it was kept). */
  pluggedIn?: boolean;
  speedMph: number | null;
  energyAddedKwh: number | null;
  powerKw: number | null;
  fastCharger: boolean | null;
}

export interface OpenDrive {
  start: HistoryPoint & { usableBatteryLevel: number | null };
  startedBy: number;
  lastMovingAt: number;
  /** The odometer and speed the last moving reading saw (absent in states stored before they were kept). */
  lastMoving?: { odometerMi: number; speedMph: number | null };
  /** A gap between moving readings whose average speed says the car stood still for part of it. */
  slowGap?: boolean;
  maxGapMs: number;
  maxSpeedMph: number | null;
  readings: number;
}

export interface OpenCharge {
  startedAfter: number;
  start: { at: number; batteryLevel: number | null };
  lastChargingAt: number;
  energyAddedKwh: number | null;
  peakPowerKw: number | null;
  fast: boolean | null;
  location: HistoryPoint['location'];
  readings: number;
}

export interface HistoryState {
  last: HistoryReading | null;
  drive: OpenDrive | null;
  charge: OpenCharge | null;
  version: string | null;
  /** The reading an idle period began at (the end of the last drive or session); absent in older stored states. */
  idleSince?: HistoryReading | null;
  /** Sleep seen during the current idle period; absent until the first state change is folded in. */
  sleep?: SleepSeen;
}

export interface SleepSeen {
  /** Asleep since (ms), or null when last seen online or offline. */
  asleepSince: number | null;
  /** Time asleep so far within the current idle period, not counting an open stretch. */
  asleepMs: number;
  /**
   * Time asleep within the current idle period up to its latest reading, which is where the period ends if the car
   * is next seen busy: sleep after that reading (perhaps after a drive no reading saw) is not the period's.
   */
  asleepMsAtLast?: number;
}

export const EMPTY_HISTORY: HistoryState = { last: null, drive: null, charge: null, version: null, idleSince: null };

/** Idle periods shorter than this are not recorded (a stop between errands). */
const MIN_IDLE_MS = 60 * MINUTE_MS;

export interface HistoryOptions {
  /** Usable pack capacity in kWh, for the energy estimate of drives. */
  packKwh: number;
}

export interface HistoryStep {
  state: HistoryState;
  drives: Drive[];
  charges: ChargingSession[];
  versions: SoftwareVersionSeen[];
  idles: IdlePeriod[];
}

/** Folds in a change of the listed state: sleep within an idle period is counted towards its `asleepShare`. */
export function foldStateChange(state: HistoryState, change: Pick<StateChange, 'at' | 'state'>): HistoryState {
  const sleep = state.sleep ?? { asleepSince: null, asleepMs: 0 };
  if (change.state === 'asleep') return { ...state, sleep: sleep.asleepSince !== null ? sleep : { ...sleep, asleepSince: change.at } };
  const idleStart = state.idleSince?.at ?? null;
  return { ...state, sleep: { ...sleep, asleepSince: null, asleepMs: idleStart === null ? sleep.asleepMs : asleepUntil(sleep, idleStart, change.at) } };
}

export function foldSnapshot(state: HistoryState, snapshot: Snapshot, options: HistoryOptions): HistoryStep {
  const out: HistoryStep = { state, drives: [], charges: [], versions: [], idles: [] };
  if (snapshot.odometerMi === null || (state.last !== null && snapshot.takenAt <= state.last.at)) return out;
  const reading = readingOf(snapshot);
  const last = state.last;
  let drive = state.drive;
  let charge = state.charge;
  let version = state.version;

  if (snapshot.softwareVersion !== null && snapshot.softwareVersion !== version) {
    out.versions.push({ vin: snapshot.vin, version: snapshot.softwareVersion, firstSeenAt: reading.at });
    version = snapshot.softwareVersion;
  }

  // Drives.
  if (drive !== null) {
    const gap = reading.at - drive.lastMovingAt;
    if (reading.moving) {
      const slowGap = drive.slowGap === true || (drive.lastMoving !== undefined && stoodStill({ at: drive.lastMovingAt, ...drive.lastMoving }, reading));
      drive = {
        ...drive,
        lastMovingAt: reading.at,
        lastMoving: { odometerMi: reading.odometerMi, speedMph: reading.speedMph },
        slowGap,
        maxGapMs: Math.max(drive.maxGapMs, gap),
        maxSpeedMph: maxOf(drive.maxSpeedMph, reading.speedMph),
        readings: drive.readings + 1,
      };
    } else {
      out.drives.push(closeDrive(snapshot.vin, drive, reading, Math.max(drive.maxGapMs, gap), options));
      drive = null;
    }
  } else if (reading.moving) {
    const start = last ?? reading;
    // Seen moving for the first time, shortly after a reading that saw it parked (as when the collector read it on
    // waking): if it covered much less ground since than its speed says, it stood still for part of that time too,
    // perhaps at a stop between two errands. After a longer gap, it may simply have set off late.
    // (After a reading that found it plugged in, it may have stayed at the charger: no such guess.)
    const slowGap =
      last !== null &&
      !last.charging &&
      last.pluggedIn !== true &&
      reading.at - last.at <= OPENING_GAP_MS &&
      stoodStill({ at: last.at, odometerMi: last.odometerMi, speedMph: null }, reading);
    drive = {
      start: anchorOf(start),
      startedBy: reading.at,
      lastMovingAt: reading.at,
      lastMoving: { odometerMi: reading.odometerMi, speedMph: reading.speedMph },
      slowGap,
      maxGapMs: 0,
      maxSpeedMph: reading.speedMph,
      readings: 1,
    };
  } else if (last !== null && reading.odometerMi - last.odometerMi >= MIN_DRIVE_MI) {
    // Parked, then parked further on: a drive (or several) between two readings.
    const unseen: OpenDrive = {
      start: anchorOf(last),
      startedBy: reading.at,
      lastMovingAt: last.at,
      maxGapMs: reading.at - last.at,
      maxSpeedMph: null,
      readings: 0,
    };
    out.drives.push(closeDrive(snapshot.vin, unseen, reading, unseen.maxGapMs, options));
  }

  // Charging sessions.
  if (charge !== null && reading.charging && last !== null && replugged(last, reading)) {
    // Charging at both readings, but it drove (or its counter started over) in between: two sessions, not one.
    // The first one's count is the last it showed; it ended by this reading.
    out.charges.push(closeCharge(snapshot.vin, charge, { ...reading, batteryLevel: null, energyAddedKwh: null }));
    charge = null;
  }
  if (charge !== null) {
    if (reading.charging) {
      charge = {
        ...charge,
        lastChargingAt: reading.at,
        energyAddedKwh: maxOf(charge.energyAddedKwh, reading.energyAddedKwh),
        peakPowerKw: maxOf(charge.peakPowerKw, reading.powerKw),
        fast: charge.fast === true || reading.fastCharger === true ? true : (reading.fastCharger ?? charge.fast),
        readings: charge.readings + 1,
      };
    } else {
      out.charges.push(closeCharge(snapshot.vin, charge, reading));
      charge = null;
    }
  } else if (reading.charging) {
    charge = {
      startedAfter: last?.at ?? reading.at,
      start: { at: reading.at, batteryLevel: reading.batteryLevel },
      lastChargingAt: reading.at,
      energyAddedKwh: reading.energyAddedKwh,
      peakPowerKw: reading.powerKw,
      fast: reading.fastCharger,
      location: reading.location,
      readings: 1,
    };
  } else if (last !== null && !last.charging && !last.moving && drive === null && gained(last, reading) >= UNSEEN_CHARGE_POINTS) {
    // Charged between two readings, none of which saw it: the car's own counter still holds the session's energy.
    const unseen: OpenCharge = {
      startedAfter: last.at,
      start: { at: last.at, batteryLevel: last.batteryLevel },
      lastChargingAt: last.at,
      energyAddedKwh: reading.energyAddedKwh,
      peakPowerKw: null,
      fast: null,
      location: reading.location,
      readings: 0,
    };
    out.charges.push(closeCharge(snapshot.vin, unseen, reading));
  }

  // Idle periods: from the end of a drive or session (or the first reading) to the last reading before the next.
  let idleSince = state.idleSince ?? null;
  let sleep = state.sleep;
  const busyNow = drive !== null || charge !== null || out.drives.length > 0 || out.charges.length > 0;
  if (busyNow && idleSince !== null && last !== null) {
    const end = idleEnd(idleSince, last, reading, state.charge === null && charge !== null, options);
    const asleepMs =
      sleep === undefined
        ? null
        : end.endedByCharge
          ? asleepUntil(sleep, idleSince.at, reading.at)
          : (sleep.asleepMsAtLast ?? asleepUntil(sleep, idleSince.at, last.at));
    if (end.point.at - idleSince.at >= MIN_IDLE_MS) out.idles.push(idlePeriod(snapshot.vin, idleSince, end, asleepMs));
  }
  if (busyNow) idleSince = null;
  if (drive === null && charge === null && (idleSince === null || out.drives.length > 0 || out.charges.length > 0)) {
    idleSince = reading;
    if (sleep !== undefined) sleep = { ...sleep, asleepMs: 0 };
  }
  if (sleep !== undefined) sleep = { ...sleep, asleepMsAtLast: idleSince === null ? 0 : asleepUntil(sleep, idleSince.at, reading.at) };

  out.state = { last: reading, drive, charge, version, idleSince, ...(sleep !== undefined ? { sleep } : {}) };
  return out;
}

interface IdleEnd {
  point: Pick<HistoryReading, 'at' | 'batteryLevel' | 'rangeMi'>;
  endedByCharge: boolean;
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
  const addedPercent = (reading.energyAddedKwh / options.packKwh) * 100;
  const perPercent = milesPerPercent(reading);
  return {
    point: {
      at: reading.at,
      batteryLevel: round(reading.batteryLevel - addedPercent, 1),
      rangeMi: perPercent === null ? null : round(reading.rangeMi! - addedPercent * perPercent, 2),
    },
    endedByCharge: true,
  };
}

/**
 * Replays snapshots and state changes (any order; merged by time here, a change before a reading taken at the same
 * moment) from an empty state: what `rederive` does.
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
  return all;
}

/** Usable pack capacity by model (VIN position 4), when the owner has not set one: a round figure, for estimates. */
export function defaultPackKwh(vin: string): number {
  const model = vin.charAt(3).toUpperCase();
  return model === 'S' || model === 'X' ? 95 : 75;
}

function closeDrive(vin: string, drive: OpenDrive, end: HistoryReading, maxGapMs: number, options: HistoryOptions): Drive {
  const distanceMi = round(end.odometerMi - drive.start.odometerMi, 3);
  const startLevel = drive.start.usableBatteryLevel ?? drive.start.batteryLevel;
  const endLevel = end.usableBatteryLevel ?? end.batteryLevel;
  const used = startLevel !== null && endLevel !== null && startLevel > endLevel ? ((startLevel - endLevel) / 100) * options.packKwh : null;
  const efficient = used !== null && distanceMi >= 0.5;
  return {
    vin,
    id: String(drive.start.at),
    start: pointOf(drive.start),
    startedBy: drive.startedBy,
    endedAfter: drive.lastMovingAt,
    end: pointOf(end),
    distanceMi,
    durationMs: end.at - drive.start.at,
    estimatedEnergyKwh: used === null ? null : round(used, 2),
    whPerMi: efficient ? Math.round((used * 1000) / distanceMi) : null,
    whPerKm: efficient ? Math.round((used * 1000) / (distanceMi * 1.609344)) : null,
    maxSpeedMph: drive.maxSpeedMph,
    readings: drive.readings,
    mayHideStops: drive.readings === 0 || maxGapMs > HIDDEN_STOP_GAP_MS || drive.slowGap === true,
  };
}

/**
 * True when the car covered much less ground between a reading and a later moving one than their speeds say it
 * would have (the earlier reading's speed is null when it saw the car parked: the later one's alone counts).
 */
function stoodStill(before: { at: number; odometerMi: number; speedMph: number | null }, reading: HistoryReading): boolean {
  const hours = (reading.at - before.at) / 3_600_000;
  if (hours <= 0 || reading.speedMph === null) return false;
  const slower = Math.min(before.speedMph ?? reading.speedMph, reading.speedMph);
  if (slower < MOVING_MPH) return false;
  return (reading.odometerMi - before.odometerMi) / hours < STOPPED_SPEED_SHARE * slower;
}

/** The car was unplugged and plugged in again between two charging readings. */
function replugged(last: HistoryReading, reading: HistoryReading): boolean {
  if (reading.odometerMi - last.odometerMi >= MIN_DRIVE_MI) return true;
  return last.energyAddedKwh !== null && reading.energyAddedKwh !== null && reading.energyAddedKwh < last.energyAddedKwh - 0.05;
}

function closeCharge(vin: string, charge: OpenCharge, end: HistoryReading): ChargingSession {
  // After a session the car keeps its count until the next one starts: the first reading after it has the total.
  const energy = maxOf(charge.energyAddedKwh, end.energyAddedKwh);
  return {
    vin,
    id: String(charge.start.at),
    startedAfter: charge.startedAfter,
    start: charge.start,
    lastChargingAt: charge.lastChargingAt,
    endBy: end.at,
    end: { at: end.at, batteryLevel: end.batteryLevel },
    energyAddedKwh: energy === null ? null : round(energy, 2),
    peakPowerKw: charge.peakPowerKw,
    kind: charge.fast === true ? 'dc' : charge.fast === false ? 'ac' : 'unknown',
    location: charge.location,
    durationMs: end.at - charge.start.at,
    readings: charge.readings,
  };
}

/** Rated miles per battery %, from the reading's own range and level; null when it lacks either. */
function milesPerPercent(r: Pick<HistoryReading, 'rangeMi' | 'batteryLevel'>): number | null {
  return r.rangeMi !== null && r.batteryLevel !== null && r.batteryLevel > 0 ? r.rangeMi / r.batteryLevel : null;
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
  const drainLost = perPercent !== null && to.rangeMi !== null ? (from.rangeMi! - to.rangeMi) / perPercent : lost;
  return {
    vin,
    id: String(from.at),
    startAt: from.at,
    endAt: to.at,
    durationMs,
    startBatteryLevel: from.batteryLevel,
    endBatteryLevel: to.batteryLevel,
    batteryLost: lost,
    rangeLostMi: from.rangeMi !== null && to.rangeMi !== null ? round(from.rangeMi - to.rangeMi, 1) : null,
    drainPercentPerDay: drainLost === null ? null : round((drainLost * 86_400_000) / durationMs, 2),
    asleepShare: asleepMs === null ? null : round(Math.min(1, asleepMs / durationMs), 3),
    ...(end.endedByCharge ? { endedByCharge: true } : {}),
  };
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
    fastCharger: s.detail?.fastChargerPresent ?? null,
  };
}

function anchorOf(r: HistoryReading): OpenDrive['start'] {
  return { ...pointOf(r), usableBatteryLevel: r.usableBatteryLevel };
}

function pointOf(p: HistoryPoint): HistoryPoint {
  return { at: p.at, odometerMi: p.odometerMi, batteryLevel: p.batteryLevel, rangeMi: p.rangeMi, location: p.location };
}

function gained(a: HistoryReading, b: HistoryReading): number {
  return a.batteryLevel !== null && b.batteryLevel !== null ? b.batteryLevel - a.batteryLevel : 0;
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
