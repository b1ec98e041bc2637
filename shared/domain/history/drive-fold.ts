import { HOUR_MS, MINUTE_MS } from '../clock';
import type { Drive } from './history-records';
import {
  beforeCharged,
  consumptionOf,
  drivingMs,
  maxOf,
  MIN_DRIVE_MI,
  pointOf,
  round,
  type HistoryOptions,
  type HistoryReading,
  type OpenDrive,
  type SleepBounds,
  NO_SLEEP_BOUNDS,
} from './history-state';
import type { EnergyEstimate } from './history-records';

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
/**
 * The stretch no reading saw at a drive's edges (from the last reading that saw the car parked to the first that saw
 * it moving, from the last moving one to the first parked one, or between the two parked readings around a drive no
 * reading saw moving) is most likely the car standing before it set off, or after it arrived: the collector reads a
 * car just parked once more a driving interval later, then leaves it 21 minutes to fall asleep. Time the
 * odometer does not account for there says nothing of a stop. Only a stretch longer than this may hide one.
 */
const UNSEEN_EDGE_MS = 30 * MINUTE_MS;
/** Speeds below this (mph) are crawling in traffic, and say nothing about stops. */
const MOVING_MPH = 5;
/**
 * Time standing still that can hide a stop between errands: less is a traffic light, or a car pulling away just
 * after it woke (the wake bound is when it was last seen asleep, not when it set off).
 */
export const MIN_HIDDEN_STOP_MS = 3 * MINUTE_MS;
/**
 * How well the time the odometer does not account for is known: a reading's data is a few seconds older than the
 * answer that carried it, and the odometer's sixth decimal is a tenth of a second at town speeds. A stop of exactly
 * MIN_HIDDEN_STOP_MS between readings must not depend on which way that rounds.
 */
const UNACCOUNTED_TOLERANCE_MS = 10_000;
/**
 * What an awake, parked car draws (kW) with nothing else on: its computers. Minutes it stood at a drive's edges
 * (before its first moving reading, after its last) are taken out of the drive's energy at this rate. Cars differ
 * (about 0.15 to 0.4 kW); any of them is nearer than counting that standing as driving, which on a 3-mile errand
 * read 5 minutes either side is some 6 % of its energy.
 */
const AWAKE_PARKED_KW = 0.2;
/** A first moving reading with this much more rated range than the reading before it charged in between (unseen). */
const CHARGED_SINCE_MI = 1;
/**
 * At most this much standing is taken out at each edge: a car left alone falls asleep about 15 minutes after its last
 * data request (and a reading after it woke starts the drive instead). Plugged in, it draws from the charger.
 */
const MAX_STANDING_MS = 15 * MINUTE_MS;
/**
 * A drive no reading saw moving is taken to have gone at this town pace: what is left of the time between the readings
 * around it is taken as standing. An estimate: slower, it stood less; on a highway, the miles fill the time and
 * nothing is taken out.
 */
const TOWN_MPH = 30;
/** Standing awake this long before a drive draws enough (0.2–3 kW) to be kept out of the drive's energy. */
const STOOD_BEFORE_MS = 5 * MINUTE_MS;

/**
 * The drive part of a reading: an open drive goes on while the car moves and closes when it is seen parked; a car
 * first seen moving opens one from the reading before; a car parked further on than it was drove unseen between.
 */
export function foldDrive(
  vin: string,
  open: OpenDrive | null,
  last: HistoryReading | null,
  reading: HistoryReading,
  options: HistoryOptions,
  bounds: SleepBounds = NO_SLEEP_BOUNDS,
): { drive: OpenDrive | null; closed: Drive[] } {
  if (open !== null) {
    if (reading.moving) return { drive: continued(open, reading), closed: [] };
    const endedBy = endBoundBySleep(open, bounds);
    const closingGap = (endedBy ?? reading.at) - open.lastMovingAt;
    // At the last moving reading's speed, the time its miles to the parked reading leave (all of it at no known speed).
    const speed = open.lastMoving?.speedMph ?? null;
    const left = speed !== null && speed >= MOVING_MPH ? closingGap - drivingMs(reading.odometerMi - open.lastMoving!.odometerMi, speed) : null;
    const standing = { closingMs: left !== null && !reading.charging && reading.pluggedIn !== true ? Math.max(0, left) : 0 };
    return { drive: null, closed: [closeDrive(vin, open, reading, unseenEdgeMayHideStop(closingGap, left ?? closingGap), options, endedBy, standing)] };
  }
  if (reading.moving) return { drive: opened(last, reading, bounds), closed: [] };
  if (last !== null && reading.odometerMi - last.odometerMi >= MIN_DRIVE_MI) {
    // Parked, then parked further on: a drive (or several) between two readings.
    const unseen: OpenDrive = {
      start: anchorOf(last),
      startedBy: reading.at,
      lastMovingAt: last.at,
      maxGapMs: 0,
      maxSpeedMph: null,
      readings: 0,
    };
    const from = Math.max(last.at, bounds.wokeAfter ?? last.at);
    // It stood about as long as the miles leave at a town pace; split between its two edges.
    const plugged = last.pluggedIn === true || reading.pluggedIn === true;
    const stoodMs = plugged ? 0 : Math.max(0, reading.at - from - drivingMs(reading.odometerMi - last.odometerMi, TOWN_MPH)) / 2;
    const hides = unseenEdgeMayHideStop(reading.at - from, reading.at - from);
    return { drive: null, closed: [closeDrive(vin, { ...unseen, stoodMs }, reading, hides, options, undefined, { closingMs: stoodMs })] };
  }
  return { drive: null, closed: [] };
}

/**
 * Whether a stretch no reading saw at a drive's edge may hide a stop: it must be longer than UNSEEN_EDGE_MS, and the
 * time the miles covered in it do not account for (at the speed a moving reading saw; all of it when none did) must
 * leave room for one.
 */
function unseenEdgeMayHideStop(stretchMs: number, unaccountedMs: number): boolean {
  return stretchMs > UNSEEN_EDGE_MS && longEnoughForStop(unaccountedMs);
}

/** Still moving: the drive goes on to this reading. */
function continued(drive: OpenDrive, reading: HistoryReading): OpenDrive {
  const slowGap = drive.slowGap === true || (drive.lastMoving !== undefined && stoodStill({ at: drive.lastMovingAt, ...drive.lastMoving }, reading));
  return {
    ...drive,
    lastMovingAt: reading.at,
    lastMoving: { odometerMi: reading.odometerMi, speedMph: reading.speedMph },
    slowGap,
    maxGapMs: Math.max(drive.maxGapMs, reading.at - drive.lastMovingAt),
    maxSpeedMph: maxOf(drive.maxSpeedMph, reading.speedMph),
    readings: drive.readings + 1,
    ...withTemperature(drive.outsideTemp, reading),
  };
}

/** The moving readings' outside temperatures, summed, for the drive's mean. */
function withTemperature(sofar: OpenDrive['outsideTemp'], reading: HistoryReading): Pick<OpenDrive, 'outsideTemp'> {
  const t = reading.outsideTempC;
  if (t == null) return sofar ? { outsideTemp: sofar } : {};
  return { outsideTemp: { sum: (sofar?.sum ?? 0) + t, count: (sofar?.count ?? 0) + 1 } };
}

/**
 * The first time the car was listed asleep after the drive's last moving reading bounds its end, when the reading that
 * found it parked came as it woke; otherwise it may have driven on after waking, and only that reading bounds it.
 */
function endBoundBySleep(open: OpenDrive, bounds: SleepBounds): number | undefined {
  const { asleepAt, readOnWake } = bounds;
  return readOnWake && asleepAt !== null && asleepAt > open.lastMovingAt ? asleepAt : undefined;
}

/**
 * Seen moving for the first time: a drive opens, from the reading before (where it was parked) if there is one. When
 * the car slept since that reading, it set off after it woke (`wokeAfter`): the drive's start is bounded by that.
 */
function opened(last: HistoryReading | null, reading: HistoryReading, bounds: SleepBounds): OpenDrive {
  // Asleep until it woke, it was parked, not stopped on the way: the time it could have been driving began then. A
  // long stretch since may hide an errand and its stop; a shorter one is most likely the car setting off late. (After
  // a reading that found it plugged in, it may have stayed at the charger: no such guess.)
  const startedAfter = last !== null ? bounds.wokeAfter : null;
  const couldMoveFrom = startedAfter ?? last?.at ?? reading.at;
  const sinceParkedMs = last !== null ? unaccountedMs({ at: couldMoveFrom, odometerMi: last.odometerMi, speedMph: null }, reading) : 0;
  const slowGap = last !== null && !last.charging && last.pluggedIn !== true && unseenEdgeMayHideStop(reading.at - couldMoveFrom, sinceParkedMs);
  // Charging at the reading it starts from, or charged since (its range rose, as it cannot parked or driving): the
  // range it set off with is unknown.
  const leftCharging =
    last !== null && (last.charging || (last.rangeMi !== null && reading.rangeMi !== null && reading.rangeMi > last.rangeMi + CHARGED_SINCE_MI));
  const stoodMs = last !== null && !leftCharging && last.pluggedIn !== true ? Math.max(0, sinceParkedMs) : 0;
  const stood = leftCharging || (bounds.atWake === null && stoodMs >= STOOD_BEFORE_MS);
  return {
    start: anchorOf(last ?? reading),
    startedBy: reading.at,
    ...(stood ? { stoodBeforeMoving: reading } : {}),
    ...(leftCharging ? { leftCharging } : {}),
    ...(stoodMs > 0 ? { stoodMs } : {}),
    ...(startedAfter !== null ? { startedAfter } : {}),
    ...(bounds.atWake?.rangeMi != null
      ? { startRangeMi: bounds.atWake.rangeMi, ...(bounds.atWake.coveredMi > 0 ? { wakeCoveredMi: bounds.atWake.coveredMi } : {}) }
      : {}),
    lastMovingAt: reading.at,
    lastMoving: { odometerMi: reading.odometerMi, speedMph: reading.speedMph },
    slowGap,
    maxGapMs: 0,
    maxSpeedMph: reading.speedMph,
    readings: 1,
    ...withTemperature(undefined, reading),
  };
}

/** `unseenEdge`: the stretch before the first parked reading (or, for a drive no reading saw moving, the whole of it) may hide a stop. */
function closeDrive(
  vin: string,
  drive: OpenDrive,
  end: HistoryReading,
  unseenEdge: boolean,
  options: HistoryOptions,
  endedBy?: number,
  standing: { closingMs: number } = { closingMs: 0 },
): Drive {
  const distanceMi = round(end.odometerMi - drive.start.odometerMi, 3);
  const arrival = onArrival(end, options);
  // From the first moving reading on when the car stood before it, or from a reading on waking; else the whole span,
  // unless the range it set off with is unknown (it left a charger).
  const startKnown = drive.leftCharging !== true;
  const fromReading = movingEnergy(drive, arrival, distanceMi, options) ?? (startKnown ? fromWakeReading(drive, arrival, distanceMi, options) : null);
  const whole = fromReading ?? (startKnown ? driveEnergy({ ...drive.start, rangeMi: drive.startRangeMi ?? drive.start.rangeMi }, arrival, options) : null);
  // Standing counted in the range lost: after the last moving reading, and before the first unless counted from it.
  const stood = (ms: number): number => Math.min(ms, MAX_STANDING_MS);
  const energy = withoutStanding(whole, stood(standing.closingMs) + (fromReading === null ? stood(drive.stoodMs ?? 0) : 0));
  const used = energy?.kwh ?? null;
  return {
    vin,
    id: String(drive.start.at),
    start: pointOf(drive.start),
    startedBy: drive.startedBy,
    ...(drive.startedAfter !== undefined ? { startedAfter: drive.startedAfter } : {}),
    endedAfter: drive.lastMovingAt,
    ...(endedBy !== undefined ? { endedBy } : {}),
    end: pointOf(end),
    distanceMi,
    durationMs: (endedBy ?? end.at) - (drive.startedAfter ?? drive.start.at),
    estimatedEnergyKwh: used === null ? null : round(used, 2),
    ...(energy !== null ? { energyEstimate: energy.from } : {}),
    ...(energy?.ratedMi !== undefined ? { ratedRangeUsedMi: round(energy.ratedMi, 2) } : {}),
    ...consumptionOf(used, distanceMi),
    maxSpeedMph: drive.maxSpeedMph,
    readings: drive.readings,
    ...(drive.outsideTemp ? { outsideTempC: round(drive.outsideTemp.sum / drive.outsideTemp.count, 1) } : {}),
    mayHideStops: unseenEdge || drive.maxGapMs > HIDDEN_STOP_GAP_MS || drive.slowGap === true,
  };
}

/**
 * The energy less what the car drew standing awake for `standingMs` (AWAKE_PARKED_KW), when it came from the rated
 * range (whole percent moves in steps of far more); never below half of it.
 */
function withoutStanding(energy: DriveEnergy | null, standingMs: number): DriveEnergy | null {
  if (energy === null || energy.from === 'battery_level' || standingMs <= 0) return energy;
  const kwh = Math.max(energy.kwh / 2, energy.kwh - (AWAKE_PARKED_KW * standingMs) / HOUR_MS);
  return { ...energy, kwh, ...(energy.ratedMi !== undefined ? { ratedMi: (energy.ratedMi * kwh) / energy.kwh } : {}) };
}

/** A drive's energy estimate, and the rated miles it counted when it came from the rated range. */
interface DriveEnergy {
  kwh: number;
  from: EnergyEstimate;
  ratedMi?: number;
}

/**
 * The energy a drive used. From the rated range where both ends report it: it moves in steps of a fraction of a mile,
 * where the battery level moves in whole percent (a 1-mile drive often reads 0 %, a 3-mile one 2 %). Rated range is
 * energy at the car's rated consumption: as the car's own charging sessions show it, else the pack's capacity over
 * the full rated range (read from both ends' range and level together, halving the level's rounding). Else from the
 * usable battery percent used.
 */
function driveEnergy(start: OpenDrive['start'], end: HistoryReading, options: HistoryOptions): DriveEnergy | null {
  const [r0, r1, l0, l1] = [start.rangeMi, end.rangeMi, start.batteryLevel, end.batteryLevel];
  if (r0 !== null && r1 !== null) {
    if (r0 <= r1) return null; // no range used (it moves in steps, and lags a little), or gained: charged on the way
    if (options.ratedWhPerMi != null) return { kwh: ((r0 - r1) * options.ratedWhPerMi) / 1000, from: 'rated_range_charging', ratedMi: r0 - r1 };
    if (l0 !== null && l1 !== null && l0 + l1 >= 10) {
      const fullRangeMi = ((r0 + r1) / (l0 + l1)) * 100;
      return { kwh: ((r0 - r1) / fullRangeMi) * options.packKwh, from: 'rated_range_pack', ratedMi: r0 - r1 };
    }
  }
  const startLevel = start.usableBatteryLevel ?? l0;
  const endLevel = end.usableBatteryLevel ?? l1;
  if (startLevel === null || endLevel === null || startLevel <= endLevel) return null;
  return { kwh: ((startLevel - endLevel) / 100) * options.packKwh, from: 'battery_level' };
}

/**
 * A drive first read just after the car woke, some way on already: the energy from that reading to the end, for all
 * the drive's miles (the miles before it at the rate of the rest, not at a rated mile each: a car in town uses less).
 * Only when that reading had covered at most half the drive; else null, and the rated-mile guess stands.
 */
function fromWakeReading(drive: OpenDrive, arrival: HistoryReading, distanceMi: number, options: HistoryOptions): DriveEnergy | null {
  const covered = drive.wakeCoveredMi;
  if (covered === undefined || drive.startRangeMi === undefined || distanceMi - covered < distanceMi / 2) return null;
  return scaled(driveEnergy({ ...drive.start, rangeMi: drive.startRangeMi - covered }, arrival, options), distanceMi / (distanceMi - covered));
}

/** An energy for part of a drive's miles, taken for all of them (`factor`: all over part). */
function scaled(part: DriveEnergy | null, factor: number): DriveEnergy | null {
  if (part === null) return null;
  return { kwh: part.kwh * factor, from: part.from, ...(part.ratedMi !== undefined ? { ratedMi: part.ratedMi * factor } : {}) };
}

/**
 * A drive that began after the car stood awake for a while (preconditioning at 2 °C draws 3 kW): when the range lost
 * before the first moving reading is well beyond what its miles took at the rate of the rest of the drive (by a rated
 * mile and a tenth of the drive's loss), the standing drew it, not the driving. The energy is then that of the first
 * moving reading to the end, over the miles between them, for all the drive's miles. Only when that stretch is 2 miles
 * or more and a quarter of the drive or more; else null, and the whole span is counted. A drive that left a charger
 * read mid-session always counts from its first moving reading (the range it left with is unknown), and has no
 * figure when that stretch is too short.
 */
function movingEnergy(drive: OpenDrive, arrival: HistoryReading, distanceMi: number, options: HistoryOptions): DriveEnergy | null {
  const first = drive.stoodBeforeMoving;
  const startRange = drive.startRangeMi ?? drive.start.rangeMi;
  if (first === undefined || startRange === null || first.rangeMi === null || arrival.rangeMi === null) return null;
  const movingMi = arrival.odometerMi - first.odometerMi;
  if (movingMi < 2 || movingMi < distanceMi / 4) return null;
  const perMile = (first.rangeMi - arrival.rangeMi) / movingMi;
  const excess = startRange - first.rangeMi - perMile * (first.odometerMi - drive.start.odometerMi);
  if (drive.leftCharging !== true && excess < Math.max(1, (startRange - arrival.rangeMi) / 10)) return null;
  return scaled(driveEnergy(first, arrival, options), distanceMi / movingMi);
}

/**
 * The battery as the car arrived, for the drive's energy. A first parked reading that finds it already charging (at
 * a Supercharger on a road trip, say) shows what the charger has added since: the car's count of this session, taken
 * back out at the car's rated consumption (else the pack's size). Only while charging is the count this session's:
 * plugged in and waiting, it may still hold the last one's.
 */
function onArrival(end: HistoryReading, options: HistoryOptions): HistoryReading {
  const added = end.energyAddedKwh;
  if (!end.charging || added === null || added <= 0) return end;
  return { ...end, ...beforeCharged(end, added, options) };
}

/**
 * True when the car covered much less ground between a reading and a later moving one than their speeds say it
 * would have (the earlier reading's speed is null when it saw the car parked: the later one's alone counts).
 */
function stoodStill(before: { at: number; odometerMi: number; speedMph: number | null }, reading: HistoryReading): boolean {
  const gapMs = reading.at - before.at;
  if (gapMs <= 0 || slowerMph(before, reading) === null) return false;
  // The time the odometer does not account for, even at the slower speed: a stop needs a few minutes of it, and
  // (an average below STOPPED_SPEED_SHARE of that speed) more than traffic takes of the gap.
  return longEnoughForStop(unaccountedMs(before, reading), (1 - STOPPED_SPEED_SHARE) * gapMs);
}

/**
 * Whether time the odometer does not account for is long enough to hide a stop (MIN_HIDDEN_STOP_MS, or `atLeastMs`
 * if more), to within what the readings tell.
 */
function longEnoughForStop(unaccountedMs: number, atLeastMs = 0): boolean {
  return unaccountedMs >= Math.max(MIN_HIDDEN_STOP_MS, atLeastMs) - UNACCOUNTED_TOLERANCE_MS;
}

/** The slower of two readings' speeds (the earlier one's null when it saw the car parked), or null below MOVING_MPH. */
function slowerMph(before: { speedMph: number | null }, reading: HistoryReading): number | null {
  if (reading.speedMph === null) return null;
  const slower = Math.min(before.speedMph ?? reading.speedMph, reading.speedMph);
  return slower < MOVING_MPH ? null : slower;
}

/** The time between two readings that the miles covered do not account for, at the slower of their speeds (0 when unknown). */
function unaccountedMs(before: { at: number; odometerMi: number; speedMph: number | null }, reading: HistoryReading): number {
  const slower = slowerMph(before, reading);
  if (slower === null) return 0;
  return reading.at - before.at - drivingMs(reading.odometerMi - before.odometerMi, slower);
}

function anchorOf(r: HistoryReading): OpenDrive['start'] {
  return { ...pointOf(r), usableBatteryLevel: r.usableBatteryLevel };
}
