import { HOUR_MS } from '../clock';
import type { ChargingSession, Drive, HistoryPoint, IdlePeriod, SoftwareVersionSeen } from './history-records';

/** What the history machine keeps between readings, per car (see history-machine). */
export interface HistoryReading extends HistoryPoint {
  usableBatteryLevel: number | null;
  moving: boolean;
  charging: boolean;
  /** Plugged in, charging or not (absent in readings stored before it was kept). */
  pluggedIn?: boolean;
  speedMph: number | null;
  energyAddedKwh: number | null;
  powerKw: number | null;
  /** What the car drew from the charger while charging (kW; see chargerDrawKw); absent in older readings. */
  drawKw?: number | null;
  fastCharger: boolean | null;
  /** Outside temperature (°C), when the car reports it (absent in readings stored before it was kept). */
  outsideTempC?: number | null;
}

export interface OpenDrive {
  start: HistoryPoint & { usableBatteryLevel: number | null };
  startedBy: number;
  /** The car left sleep after this (see Drive.startedAfter). */
  startedAfter?: number;
  /**
   * The rated range the drive began with, when the car was first read just after it woke and set off: that reading's
   * range plus the miles it had covered (the reading before, hours earlier, would count the night's drain as driving).
   */
  startRangeMi?: number;
  /** The miles that reading had covered since the wake (startRangeMi counts them at a rated mile each). */
  wakeCoveredMi?: number;
  lastMovingAt: number;
  /** The odometer and speed the last moving reading saw (absent in states stored before they were kept). */
  lastMoving?: { odometerMi: number; speedMph: number | null };
  /** A gap between moving readings whose average speed says the car stood still for part of it. */
  slowGap?: boolean;
  maxGapMs: number;
  maxSpeedMph: number | null;
  readings: number;
  /** Outside temperatures the moving readings reported: their sum and count (absent in older states). */
  outsideTemp?: { sum: number; count: number };
  /**
   * The first moving reading, when the odometer says the car stood (awake: preconditioning, loading up) for minutes
   * after the reading the drive starts from: that standing is not the drive's energy (see drive-fold's driveEnergy).
   */
  stoodBeforeMoving?: HistoryReading;
  /**
   * The reading the drive starts from found the car charging, or its first moving reading shows more range than that
   * reading (a charge no reading saw): the range it left with is unknown. Its energy comes from the first moving
   * reading on (`stoodBeforeMoving`), or is not given.
   */
  leftCharging?: boolean;
  /** Minutes (ms) the car stood, awake, between the reading the drive starts from and its first moving reading. */
  stoodMs?: number;
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
  /** The rated range and the car's count at the first charging reading (absent in states stored before). */
  startRangeMi?: number | null;
  startEnergyKwh?: number | null;
  /**
   * Between consecutive charging readings that both gave the charger's draw and the car's count: the kWh drawn (the
   * mean of the two draws × the time between) and the kWh the count rose. Absent until a pair gave both.
   */
  metered?: { drawnKwh: number; addedKwh: number };
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
  /**
   * Since the last reading: the car left sleep after `after` (the last time it was listed asleep), and was first
   * listed asleep at `asleepAt`. Bounds for the drive the next reading opens or closes; cleared at each reading.
   */
  wake?: { after: number } | null;
  asleepAt?: number | null;
  /** Wh per rated mile from the car's recent charging sessions (see ChargingSession.ratedWhPerMi), newest last. */
  ratedWhPerMi?: number[];
}

/** The car's rated consumption as its recent sessions show it: their median, or null before any. */
export function ratedWhPerMiOf(state: Pick<HistoryState, 'ratedWhPerMi'>): number | null {
  const samples = [...(state.ratedWhPerMi ?? [])].sort((a, b) => a - b);
  return samples.length === 0 ? null : samples[Math.floor(samples.length / 2)]!;
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

/** What the listed states tell of the time between the last reading and this one (see HistoryState.wake). */
export interface SleepBounds {
  wokeAfter: number | null;
  asleepAt: number | null;
  /** This reading came as the car woke (the collector reads a car at once when it comes online): no drive since. */
  readOnWake: boolean;
  /**
   * Where the car stood as it woke, when this reading came on waking at most WAKE_READ_MI from the last one: its
   * level, and its range plus the miles covered (rated range falls by about a mile a mile).
   */
  atWake: { batteryLevel: number | null; rangeMi: number | null; coveredMi: number } | null;
}

export const NO_SLEEP_BOUNDS: SleepBounds = { wokeAfter: null, asleepAt: null, readOnWake: false, atWake: null };

export interface HistoryOptions {
  /** Usable pack capacity in kWh, for the energy estimate of drives. */
  packKwh: number;
  /** The car's Wh per rated mile, when its charging has shown it (set by the history machine from its state). */
  ratedWhPerMi?: number | null;
}

/** Rated miles per battery %, from the reading's own range and level; null when it lacks either. */
export function milesPerPercent(r: Pick<HistoryReading, 'rangeMi' | 'batteryLevel'>): number | null {
  return r.rangeMi !== null && r.batteryLevel !== null && r.batteryLevel > 0 ? r.rangeMi / r.batteryLevel : null;
}

/**
 * A charging reading as it stood before the session's count so far (`added` kWh, its `charge_energy_added`) went
 * in: the levels less that count at the pack's size, the range less it at the car's rated consumption once its
 * charging showed it (else at the reading's own miles per percent). Null where the reading lacks a figure.
 */
export function beforeCharged(
  r: HistoryReading,
  added: number,
  options: HistoryOptions,
): Pick<HistoryReading, 'batteryLevel' | 'usableBatteryLevel' | 'rangeMi'> {
  const points = (added / options.packKwh) * 100;
  const perPercent = milesPerPercent(r);
  const miles = options.ratedWhPerMi != null ? (added * 1000) / options.ratedWhPerMi : perPercent === null ? null : points * perPercent;
  const less = (v: number | null, by: number | null): number | null => (v === null || by === null ? null : v - by);
  return { batteryLevel: less(r.batteryLevel, points), usableBatteryLevel: less(r.usableBatteryLevel, points), rangeMi: less(r.rangeMi, miles) };
}

export interface HistoryStep {
  state: HistoryState;
  drives: Drive[];
  charges: ChargingSession[];
  versions: SoftwareVersionSeen[];
  idles: IdlePeriod[];
}

/** Helpers the folds share. */
export function pointOf(p: HistoryPoint): HistoryPoint {
  return { at: p.at, odometerMi: p.odometerMi, batteryLevel: p.batteryLevel, rangeMi: p.rangeMi, location: p.location };
}

export function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** How long `miles` take at `mph` (ms). */
export function drivingMs(miles: number, mph: number): number {
  return (miles / mph) * HOUR_MS;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Wh per mile and per km of a drive that used `kwh` over `distanceMi`; null for none, or under half a mile (too short to say). */
export function consumptionOf(kwh: number | null, distanceMi: number): { whPerMi: number | null; whPerKm: number | null } {
  if (kwh === null || distanceMi < 0.5) return { whPerMi: null, whPerKm: null };
  return { whPerMi: Math.round((kwh * 1000) / distanceMi), whPerKm: Math.round((kwh * 1000) / (distanceMi * 1.609344)) };
}

/** Below this odometer change between two parked readings, the car did not drive (GPS-free rounding noise). */
export const MIN_DRIVE_MI = 0.1;
