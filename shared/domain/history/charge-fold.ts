import type { ChargingSession } from './history-records';
import { maxOf, MIN_DRIVE_MI, round, type HistoryReading, type OpenCharge, type OpenDrive } from './history-state';

/**
 * A rise of the battery level this large between two readings with no charging reading, the first parked, was a
 * charge.
 */
const UNSEEN_CHARGE_POINTS = 2;

/**
 * The charging part of a reading: an open session goes on while the car charges and closes when it stops (or was
 * unplugged and plugged in again between readings); a charge no reading saw shows in the battery level and the car's
 * own counter.
 */
export function foldCharge(
  vin: string,
  open: OpenCharge | null,
  last: HistoryReading | null,
  reading: HistoryReading,
  drive: OpenDrive | null,
): { charge: OpenCharge | null; closed: ChargingSession[] } {
  const closed: ChargingSession[] = [];
  let charge = open;
  if (charge !== null && reading.charging && last !== null && replugged(last, reading)) {
    // Charging at both readings, but it drove (or its counter started over) in between: two sessions, not one.
    // The first one's count is the last it showed; it ended by this reading.
    closed.push(closeCharge(vin, charge, { ...reading, batteryLevel: null, energyAddedKwh: null }));
    charge = null;
  }
  if (charge !== null) {
    if (reading.charging) return { charge: continued(charge, last, reading), closed };
    return { charge: null, closed: [...closed, closeCharge(vin, charge, reading)] };
  }
  if (reading.charging) return { charge: opened(last, reading), closed };
  // Parked at the last reading, and parked again or setting off from there at this one (the drive opened here).
  const fromParked = last !== null && !last.charging && !last.moving && (drive === null || drive.start.at === last.at);
  if (last !== null && fromParked && gained(last, reading) >= UNSEEN_CHARGE_POINTS) {
    // Charged between two readings, none of which saw it (before it set off, when this one sees it moving: the level
    // does not rise 2 points driving): the car's own counter still holds the session's energy.
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
    closed.push(closeCharge(vin, unseen, reading));
  }
  return { charge: null, closed };
}

/** Still charging: the session goes on to this reading. */
function continued(charge: OpenCharge, last: HistoryReading | null, reading: HistoryReading): OpenCharge {
  return {
    ...charge,
    ...metered(charge, last, reading),
    lastChargingAt: reading.at,
    energyAddedKwh: maxOf(charge.energyAddedKwh, reading.energyAddedKwh),
    peakPowerKw: maxOf(charge.peakPowerKw, reading.powerKw),
    fast: charge.fast === true || reading.fastCharger === true ? true : (reading.fastCharger ?? charge.fast),
    readings: charge.readings + 1,
  };
}

/**
 * Two charging readings in a row that give the charger's draw and the car's count add to what the session metered
 * (nothing to add: the session keeps what it had).
 */
function metered(charge: OpenCharge, last: HistoryReading | null, reading: HistoryReading): Pick<OpenCharge, 'metered'> {
  if (last === null || !last.charging || last.at !== charge.lastChargingAt) return {};
  const [kwA, kwB, kwhA, kwhB] = [last.drawKw, reading.drawKw, last.energyAddedKwh, reading.energyAddedKwh];
  if (kwA == null || kwB == null || kwhA === null || kwhB === null || kwhB < kwhA) return {};
  const before = charge.metered ?? { drawnKwh: 0, addedKwh: 0 };
  const hours = (reading.at - last.at) / 3_600_000;
  return { metered: { drawnKwh: before.drawnKwh + ((kwA + kwB) / 2) * hours, addedKwh: before.addedKwh + (kwhB - kwhA) } };
}

/** Seen charging for the first time: it began after the reading before. */
function opened(last: HistoryReading | null, reading: HistoryReading): OpenCharge {
  return {
    startedAfter: last?.at ?? reading.at,
    start: { at: reading.at, batteryLevel: levelBefore(last, reading) },
    lastChargingAt: reading.at,
    energyAddedKwh: reading.energyAddedKwh,
    peakPowerKw: reading.powerKw,
    fast: reading.fastCharger,
    location: reading.location,
    readings: 1,
    startRangeMi: reading.rangeMi,
    startEnergyKwh: reading.energyAddedKwh,
  };
}

/** A first charging reading whose count holds this much already was taken well into the session. */
const UNDER_WAY_KWH = 0.5;

/**
 * The level the session began at: the first charging reading's, unless its count says the session was well under way
 * by then (10 kWh in, its level says little of where it began). Then the level of the reading before, when the car
 * stood there since: a parked car only loses, so that is where it began, less a little drain.
 */
function levelBefore(last: HistoryReading | null, reading: HistoryReading): number | null {
  const underWay = (reading.energyAddedKwh ?? 0) >= UNDER_WAY_KWH;
  const stoodSince = last !== null && !last.charging && !last.moving && reading.odometerMi - last.odometerMi < MIN_DRIVE_MI;
  return (underWay && stoodSince ? last.batteryLevel : null) ?? reading.batteryLevel;
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
    ...ratedConsumption(charge, end, energy),
    ...energyUsed(charge, energy),
  };
}

/** The metered stretch must cover this much of the count for its losses to be told. */
const MIN_METERED_KWH = 0.5;

/**
 * What the car drew from the charger for the whole session: its count × what it drew over what it added where two
 * readings in a row metered both. The losses between readings stand for the whole session's (an estimate: a session
 * whose power changed where no reading saw it is off by that much).
 */
function energyUsed(charge: OpenCharge, energy: number | null): { energyUsedKwh?: number } {
  const m = charge.metered;
  if (m === undefined || energy === null || m.addedKwh < MIN_METERED_KWH || m.drawnKwh <= 0) return {};
  const efficiency = m.addedKwh / m.drawnKwh;
  // A battery cannot take more than was drawn, and no charging loses half: readings not to be trusted.
  if (efficiency > 1.02 || efficiency < 0.5) return {};
  return { energyUsedKwh: round(energy / Math.min(1, efficiency), 2) };
}

/** Sessions adding less rated range than this say too little of the car's rated consumption (range moves in steps). */
const MIN_RATED_GAIN_MI = 10;

/** The session's Wh per rated mile gained, between its first charging reading and the reading that closed it. */
function ratedConsumption(charge: OpenCharge, end: HistoryReading, energy: number | null): { ratedWhPerMi?: number } {
  const { startRangeMi, startEnergyKwh } = charge;
  if (startRangeMi == null || startEnergyKwh == null || end.rangeMi === null || energy === null) return {};
  const gainedMi = end.rangeMi - startRangeMi;
  if (gainedMi < MIN_RATED_GAIN_MI) return {};
  const whPerMi = ((energy - startEnergyKwh) * 1000) / gainedMi;
  // Outside what any Tesla's rated consumption is: a counter or a range not to be trusted.
  return whPerMi >= 150 && whPerMi <= 600 ? { ratedWhPerMi: Math.round(whPerMi) } : {};
}

function gained(a: HistoryReading, b: HistoryReading): number {
  return a.batteryLevel !== null && b.batteryLevel !== null ? b.batteryLevel - a.batteryLevel : 0;
}
