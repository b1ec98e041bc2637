import { MINUTE_MS } from '../clock';
import type { Drive } from './history-records';
import { maxOf, MIN_DRIVE_MI, pointOf, round, type HistoryOptions, type HistoryReading, type OpenDrive } from './history-state';

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
): { drive: OpenDrive | null; closed: Drive[] } {
  if (open !== null) {
    if (reading.moving) return { drive: continued(open, reading), closed: [] };
    return { drive: null, closed: [closeDrive(vin, open, reading, Math.max(open.maxGapMs, reading.at - open.lastMovingAt), options)] };
  }
  if (reading.moving) return { drive: opened(last, reading), closed: [] };
  if (last !== null && reading.odometerMi - last.odometerMi >= MIN_DRIVE_MI) {
    // Parked, then parked further on: a drive (or several) between two readings.
    const unseen: OpenDrive = {
      start: anchorOf(last),
      startedBy: reading.at,
      lastMovingAt: last.at,
      maxGapMs: reading.at - last.at,
      maxSpeedMph: null,
      readings: 0,
    };
    return { drive: null, closed: [closeDrive(vin, unseen, reading, unseen.maxGapMs, options)] };
  }
  return { drive: null, closed: [] };
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
  };
}

/** Seen moving for the first time: a drive opens, from the reading before (where it was parked) if there is one. */
function opened(last: HistoryReading | null, reading: HistoryReading): OpenDrive {
  // Shortly after a reading that saw it parked (as when the collector read it on waking): if it covered much less
  // ground since than its speed says, it stood still for part of that time too, perhaps at a stop between two
  // errands. After a longer gap, it may simply have set off late.
  // (After a reading that found it plugged in, it may have stayed at the charger: no such guess.)
  const slowGap =
    last !== null &&
    !last.charging &&
    last.pluggedIn !== true &&
    reading.at - last.at <= OPENING_GAP_MS &&
    stoodStill({ at: last.at, odometerMi: last.odometerMi, speedMph: null }, reading);
  return {
    start: anchorOf(last ?? reading),
    startedBy: reading.at,
    lastMovingAt: reading.at,
    lastMoving: { odometerMi: reading.odometerMi, speedMph: reading.speedMph },
    slowGap,
    maxGapMs: 0,
    maxSpeedMph: reading.speedMph,
    readings: 1,
  };
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

function anchorOf(r: HistoryReading): OpenDrive['start'] {
  return { ...pointOf(r), usableBatteryLevel: r.usableBatteryLevel };
}
