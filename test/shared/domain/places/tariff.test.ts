import { describe, expect, it } from '@jest/globals';
import type { ChargingSession } from '../../../../shared/domain/history/history-records';
import { distanceM, placeAt, type Place } from '../../../../shared/domain/places/place';
import { sessionCost } from '../../../../shared/domain/places/session-cost';
import { energyPoints, chargingInterval } from '../../../../shared/domain/places/session-energy';
import { overlappingPeriods, ratesAt, type Tariff, type TouPeriod } from '../../../../shared/domain/places/tariff';
import type { Snapshot } from '../../../../shared/domain/snapshot';

const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];
const ALL_MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const period = (over: Partial<TouPeriod>): TouPeriod => ({ name: 'p', from: '00:00', to: '24:00', days: ALL_DAYS, months: ALL_MONTHS, ...over });

/** A home tariff in Berlin: 0.40 €/kWh, 0.25 at night (23:00–07:00 as two periods), 0.30 at weekends in summer. */
const HOME: Tariff = {
  currency: 'EUR',
  timeZone: 'Europe/Berlin',
  perKwh: 0.4,
  perMinute: 0,
  sessionFee: 0,
  periods: [
    period({ name: 'night', from: '00:00', to: '07:00', perKwh: 0.25 }),
    period({ name: 'late', from: '23:00', to: '24:00', perKwh: 0.25 }),
    period({ name: 'summer weekend', from: '07:00', to: '23:00', days: [6, 7], months: [6, 7, 8], perKwh: 0.3 }),
  ],
};

describe('a tariff’s rates', () => {
  it('applies a period by the place’s own clock, weekday and season', () => {
    // 2026-06-10 is a Wednesday; Berlin is UTC+2 in June.
    expect(ratesAt(HOME, Date.parse('2026-06-10T04:59:00Z'))).toMatchObject({ perKwh: 0.25, period: 'night' }); // 06:59
    expect(ratesAt(HOME, Date.parse('2026-06-10T05:00:00Z'))).toMatchObject({ perKwh: 0.4, period: null }); // 07:00
    expect(ratesAt(HOME, Date.parse('2026-06-10T21:00:00Z'))).toMatchObject({ perKwh: 0.25, period: 'late' }); // 23:00
    expect(ratesAt(HOME, Date.parse('2026-06-13T10:00:00Z'))).toMatchObject({ perKwh: 0.3, period: 'summer weekend' }); // Saturday
    expect(ratesAt(HOME, Date.parse('2026-12-12T10:00:00Z'))).toMatchObject({ perKwh: 0.4, period: null }); // a winter Saturday
  });

  it('follows the zone across a DST change: 07:00 is 06:00 UTC in winter, 05:00 in summer', () => {
    expect(ratesAt(HOME, Date.parse('2026-03-27T05:30:00Z')).period).toBe('night'); // 06:30 CET
    expect(ratesAt(HOME, Date.parse('2026-03-30T05:30:00Z')).period).toBeNull(); // 07:30 CEST
  });

  it('finds periods that give one minute two rates', () => {
    expect(overlappingPeriods(HOME.periods)).toBeNull();
    expect(overlappingPeriods([...HOME.periods, period({ from: '06:30', to: '08:00' })])).toEqual([0, 3]);
    // Same hours on different days, or in different seasons, do not overlap.
    expect(overlappingPeriods([period({ days: [1] }), period({ days: [2] })])).toBeNull();
    expect(overlappingPeriods([period({ months: [1] }), period({ months: [7] })])).toBeNull();
  });
});

describe('a session’s cost at a tariff', () => {
  it('spreads the energy between two readings over the time between them, across a rate change', () => {
    // 10 kWh from 22:30 to 23:30 Berlin time: half before 23:00 at 0.40, half after at 0.25.
    const from = Date.parse('2026-06-10T20:30:00Z');
    const cost = sessionCost(
      HOME,
      [
        { at: from, kwh: 0 },
        { at: from + 3_600_000, kwh: 10 },
      ],
      { from, to: from + 3_600_000 },
    );
    expect(cost.total).toBeCloseTo(5 * 0.4 + 5 * 0.25, 2);
    expect(cost.byPeriod).toEqual(
      expect.arrayContaining([
        { period: null, kwh: 5, minutes: 30, amount: 2 },
        { period: 'late', kwh: 5, minutes: 30, amount: 1.25 },
      ]),
    );
    expect(cost.energyKwh).toBe(10);
  });

  it('adds the per-minute rate for the time charging and the session fee', () => {
    const publicCharger: Tariff = { currency: 'EUR', timeZone: 'Europe/Berlin', perKwh: 0.5, perMinute: 0.05, sessionFee: 1, periods: [] };
    const from = Date.parse('2026-06-10T10:00:00Z');
    const cost = sessionCost(
      publicCharger,
      [
        { at: from, kwh: 0 },
        { at: from + 45 * 60_000, kwh: 8 },
      ],
      { from, to: from + 60 * 60_000 },
    );
    expect(cost.total).toBeCloseTo(8 * 0.5 + 60 * 0.05 + 1, 2);
  });
});

describe('a session’s energy and charging time from its readings', () => {
  const session = (over: Partial<ChargingSession> = {}): ChargingSession => ({
    vin: 'V',
    id: '1',
    startedAfter: 0,
    start: { at: 10 * 60_000, batteryLevel: 40 },
    lastChargingAt: 50 * 60_000,
    endBy: 60 * 60_000,
    end: { at: 60 * 60_000, batteryLevel: 80 },
    energyAddedKwh: 30,
    peakPowerKw: 11,
    kind: 'ac',
    location: null,
    durationMs: 60 * 60_000,
    readings: 3,
    ...over,
  });
  const reading = (min: number, kwh: number | null) => ({ takenAt: min * 60_000, detail: { chargeEnergyAddedKwh: kwh } }) as unknown as Snapshot;

  it('starts at none, follows the car’s count (never falling, never above the total) and ends at the total', () => {
    // No charger power in these readings: the start and end are taken halfway into the gaps (5 and 55 minutes).
    const points = energyPoints(session(), [reading(0, 99), reading(10, 2), reading(30, 15), reading(40, 12), reading(50, 40)]);
    expect(points).toEqual([
      { at: 5 * 60_000, kwh: 0 },
      { at: 10 * 60_000, kwh: 2 },
      { at: 30 * 60_000, kwh: 15 },
      { at: 40 * 60_000, kwh: 15 },
      { at: 50 * 60_000, kwh: 30 },
      { at: 55 * 60_000, kwh: 30 },
    ]);
  });

  it('dates the start and end from the count and the charger power where the readings give both', () => {
    // 2 kWh at 12 kW by minute 10: began 10 minutes before; 22 of 30 kWh at 12 kW by minute 50: 40 minutes to go,
    // but it was seen done by minute 60, so it ended by then.
    const charging = (min: number, kwh: number) =>
      ({ takenAt: min * 60_000, chargingState: 'Charging', detail: { chargeEnergyAddedKwh: kwh, chargerPowerKw: 12 } }) as unknown as Snapshot;
    expect(chargingInterval(session(), [charging(10, 2), charging(50, 22)])).toEqual({ from: 0, to: 60 * 60_000 });
    expect(chargingInterval(session(), [charging(10, 1), charging(50, 29)])).toEqual({ from: 5 * 60_000, to: 55 * 60_000 });
  });

  it('takes the charging time halfway into the gaps the readings leave; all of it for a session no reading saw', () => {
    expect(chargingInterval(session())).toEqual({ from: 5 * 60_000, to: 55 * 60_000 });
    expect(chargingInterval(session({ readings: 0 }))).toEqual({ from: 0, to: 60 * 60_000 });
  });
});

describe('places', () => {
  const place = (id: string, latitude: number, longitude: number, radiusM = 150): Place => ({
    id,
    name: id,
    latitude,
    longitude,
    radiusM,
    kind: 'public',
    tariff: null,
    updatedAt: 0,
  });

  it('measures distances on the globe', () => {
    expect(distanceM({ latitude: 52.52, longitude: 13.405 }, { latitude: 48.137, longitude: 11.575 })).toBeGreaterThan(500_000);
    expect(distanceM({ latitude: 52.52, longitude: 13.405 }, { latitude: 48.137, longitude: 11.575 })).toBeLessThan(510_000);
  });

  it('puts a point in the nearest place whose radius holds it, else none', () => {
    const places = [place('home', 52.52, 13.405, 200), place('work', 52.521, 13.405, 200)];
    expect(placeAt(places, { latitude: 52.5201, longitude: 13.405 })?.id).toBe('home');
    expect(placeAt(places, { latitude: 52.5209, longitude: 13.405 })?.id).toBe('work');
    expect(placeAt(places, { latitude: 52.53, longitude: 13.405 })).toBeNull();
    expect(placeAt(places, null)).toBeNull();
  });
});
