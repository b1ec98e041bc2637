import type { ChargingSession } from '../../shared/domain/history/history-records';
import { sessionCost } from '../../shared/domain/places/session-cost';
import { energyPoints, chargingInterval } from '../../shared/domain/places/session-energy';
import type { Tariff } from '../../shared/domain/places/tariff';
import type { Snapshot } from '../../shared/domain/snapshot';
import type { ChargeSession } from '../simulator/sim-car-types';
import { derivedSessionOf } from './history-accuracy';

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const ALL_YEAR = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/** What the bench prices the simulated AC sessions with, as if they were charged at such a place. */
export const BENCH_TARIFFS: Record<string, Tariff> = {
  // A Californian home on time of use: peak 16:00–21:00, super off-peak 00:00–06:00, weekends cheaper.
  'TOU home': {
    currency: 'USD',
    timeZone: 'America/Los_Angeles',
    perKwh: 0.36,
    perMinute: 0,
    sessionFee: 0,
    periods: [
      { name: 'super off-peak', from: '00:00', to: '06:00', days: EVERY_DAY, months: ALL_YEAR, perKwh: 0.14 },
      { name: 'peak', from: '16:00', to: '21:00', days: [1, 2, 3, 4, 5], months: ALL_YEAR, perKwh: 0.58 },
      { name: 'weekend peak', from: '16:00', to: '21:00', days: [6, 7], months: ALL_YEAR, perKwh: 0.45 },
    ],
  },
  // A public AC charger billing energy, the minutes charging and a session fee.
  'per-minute public': { currency: 'USD', timeZone: 'America/Los_Angeles', perKwh: 0.3, perMinute: 0.03, sessionFee: 1, periods: [] },
};

export interface TariffAccuracy {
  sessions: number;
  largestErrorAmount: number;
  largestErrorShare: number;
}

/**
 * Holds a tariff's estimated cost of each derived AC session (its energy spread between readings, its charging
 * time halfway into the readings' gaps) to the true cost: the energy the simulated car drew from the charger minute
 * by minute, and its true charging time. Only sessions matched one to one are compared.
 */
export function tariffAccuracy(
  truth: readonly ChargeSession[],
  derived: readonly ChargingSession[],
  readings: readonly Snapshot[],
  end: number,
  tariff: Tariff,
): TariffAccuracy {
  let sessions = 0;
  let largestErrorAmount = 0;
  let largestErrorShare = 0;
  for (const session of truth.filter((s) => !s.dc && s.endAt !== null && s.endAt <= end && s.energyKwh > 0.1)) {
    const d = derivedSessionOf(session, derived);
    if (d === null) continue;
    const mine = readings.filter((r) => r.takenAt > d.startedAfter && r.takenAt <= d.endBy);
    const estimate = sessionCost(tariff, energyPoints(d, mine), chargingInterval(d, mine)).total;
    // A tariff bills what the meter counts: what the car drew from the charger, losses included.
    const drawn = session.energyLog.map((e) => ({ at: e.at, kwh: e.drawnKwh }));
    const exact = sessionCost(tariff, [{ at: session.startAt, kwh: 0 }, ...drawn], { from: session.startAt, to: session.chargedUntil }).total;
    sessions += 1;
    const error = Math.abs(estimate - exact);
    largestErrorAmount = Math.max(largestErrorAmount, error);
    largestErrorShare = Math.max(largestErrorShare, exact > 0 ? error / exact : 0);
  }
  return { sessions, largestErrorAmount, largestErrorShare };
}
