import { describe, expect, it } from '@jest/globals';
import { isDriving, isIdle, snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import { teslaFixtureJson } from '../../support/fixtures';

const VIN = 'LRWXF7EK4KC700000';

describe('snapshotFromVehicleData', () => {
  it('reads a real Fleet vehicle_data answer (parked, plugged, climate on)', () => {
    const body = teslaFixtureJson('vehicle_data.ha-tesla_fleet-model3-online-parked.json');
    const s = snapshotFromVehicleData(VIN, body, 1);
    expect(s).toMatchObject({
      vin: VIN,
      takenAt: 1705707520649,
      odometerMi: 6481.019282,
      batteryLevel: 77,
      rangeMi: 266.87,
      chargingState: 'Stopped',
      locked: false,
      shiftState: null,
      speedMph: null,
      softwareVersion: '2023.44.30.8',
      userPresent: false,
      sentryMode: false,
      climateOn: true,
      doorsOpen: false,
      updateInProgress: false,
      location: { latitude: -30.222626, longitude: -97.6236871 },
    });
    expect(isDriving(s)).toBe(false);
    // Climate is on: that keeps the car awake.
    expect(isIdle(s)).toBe(false);
  });

  it('turns missing, null and "<invalid>" fields into null instead of failing', () => {
    const s = snapshotFromVehicleData(
      VIN,
      { response: { vehicle_state: { odometer: '<invalid>', locked: 'yes' }, charge_state: { charging_state: '<invalid>' } } },
      42,
    );
    expect(s.odometerMi).toBeNull();
    expect(s.locked).toBeNull();
    expect(s.chargingState).toBeNull();
    expect(s.takenAt).toBe(42);
    expect(s.location).toBeNull();
  });

  it('accepts garbage without throwing', () => {
    for (const junk of [null, 7, 'x', [], { response: [] }, { response: { vehicle_state: null } }]) {
      expect(snapshotFromVehicleData(VIN, junk, 5).odometerMi).toBeNull();
    }
  });

  it('treats a car in drive or moving as driving, and an open door or sentry as not idle', () => {
    const base = snapshotFromVehicleData(VIN, { vehicle_state: { df: 0, sentry_mode: false }, drive_state: { shift_state: 'D', speed: 30 } }, 1);
    expect(isDriving(base)).toBe(true);
    const door = snapshotFromVehicleData(VIN, { vehicle_state: { df: 1 } }, 1);
    expect(isIdle(door)).toBe(false);
    const sentry = snapshotFromVehicleData(VIN, { vehicle_state: { sentry_mode: true } }, 1);
    expect(isIdle(sentry)).toBe(false);
    const quiet = snapshotFromVehicleData(VIN, { vehicle_state: { df: 0, sentry_mode: false, locked: true }, drive_state: { shift_state: 'P' } }, 1);
    expect(isIdle(quiet)).toBe(true);
  });
});
