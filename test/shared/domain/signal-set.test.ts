import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SIGNALS, monthlySignals, SIGNAL_PRICE_USD, telemetryFields } from '../../../shared/domain/telemetry/signal-set';

/** The shipped commuter's month on the bench: 90 drives (~25 min each), 29 AC sessions, ~25 h awake parked. */
const COMMUTER = { drivingHours: 37.5, chargingHours: 60, dcChargingHours: 0, parkedOnlineHours: 25, drives: 90, sessions: 29 };

describe('the streamed signal set', () => {
  it('sends a changing signal no more often than its interval, and counts what a drive or session sends once', () => {
    const one = [{ name: 'VehicleSpeed', intervalSeconds: 10, why: '', changesPerHour: { driving: 3600, charging: 0, parkedOnline: 0 } }];
    expect(monthlySignals(one, { ...COMMUTER, drivingHours: 1 }).signals).toBe(360);
    const gear = [{ name: 'Gear', intervalSeconds: 1, why: '', changesPerHour: { driving: 0, charging: 0, parkedOnline: 0 }, perDrive: 3 }];
    expect(monthlySignals(gear, COMMUTER).signals).toBe(270);
  });

  it('costs the commuter well under polling’s $1.15 a month, and nothing for a month asleep', () => {
    const month = monthlySignals(DEFAULT_SIGNALS, COMMUTER);
    expect(month.signals).toBeGreaterThan(30_000);
    // Under 150,000 signals: under $1. (The simulated stream of bench:month --telemetry counts fewer than this estimate.)
    expect(month.signals).toBeLessThan(150_000);
    expect(month.costUsd).toBeLessThan(1.15 / 2);
    expect(month.costUsd).toBeCloseTo(month.signals * SIGNAL_PRICE_USD, 2);
    const asleep = monthlySignals(DEFAULT_SIGNALS, { drivingHours: 0, chargingHours: 0, dcChargingHours: 0, parkedOnlineHours: 0, drives: 0, sessions: 0 });
    expect(asleep.signals).toBe(0);
  });

  it('counts DC-only signals on fast-charging hours alone', () => {
    const ac = monthlySignals(DEFAULT_SIGNALS, COMMUTER).perSignal.find((s) => s.name === 'DCChargingPower');
    expect(ac?.signals).toBe(0);
    const trip = monthlySignals(DEFAULT_SIGNALS, { ...COMMUTER, dcChargingHours: 5 }).perSignal.find((s) => s.name === 'DCChargingPower');
    expect(trip?.signals).toBe(300);
  });

  it('gives the configuration’s fields, one per signal, with its interval and any minimum change', () => {
    const fields = telemetryFields(DEFAULT_SIGNALS);
    expect(Object.keys(fields)).toHaveLength(DEFAULT_SIGNALS.length);
    expect(fields.Gear).toEqual({ interval_seconds: 1 });
    expect(fields.Location).toEqual({ interval_seconds: 30 });
    // Each tenth of a mile, so a drive's end odometer is at most that short.
    expect(fields.Odometer).toEqual({ interval_seconds: 1, minimum_delta: 0.1 });
  });
});
