import { describe, expect, it } from '@jest/globals';
import { HOUR_MS, MINUTE_MS } from '../../../shared/domain/clock';
import { driveProfileSchema, type DriveProfile } from '../../../infra/simulator/drive-profile';
import { SimCar } from '../../../infra/simulator/sim-car';
import { ASLEEP_KW, AWAKE_KW, dcChargeKw, driveWhPerMile, percentOf } from '../../../infra/simulator/sim-energy';

const T0 = Date.parse('2026-01-05T00:00:00Z');
// Drive 60 min at 30 mph from minute 0; charge from minute 120 for 60 min at 20 %/h; park otherwise (period 6 h).
const PROFILE: DriveProfile = {
  periodMinutes: 360,
  segments: [
    { activity: 'drive', startMinute: 0, minutes: 60, speedMph: 30 },
    { activity: 'charge', startMinute: 120, minutes: 60, percentPerHour: 20 },
  ],
};

const car = (overrides = {}) =>
  new SimCar(
    { vin: '5YJ3E7EB0SF000001', id: 1, displayName: 'T', profile: PROFILE, anchor: T0, odometerMi: 1000, batteryLevel: 60, wakeDelayMs: 30_000, ...overrides },
    T0,
  );
const at = (minutes: number) => T0 + minutes * MINUTE_MS;

describe('SimCar', () => {
  it('drives the profile: the odometer moves only while driving, the battery by the energy model', () => {
    const c = car();
    c.advanceTo(at(30));
    expect(c.odometerMi).toBeCloseTo(1015, 6);
    expect(c.currentActivity).toBe('drive');
    c.advanceTo(at(90));
    expect(c.odometerMi).toBeCloseTo(1030, 6);
    // 30 miles at 30 mph and 12 °C, then parked 15 minutes awake and 15 asleep.
    const used = percentOf((30 * driveWhPerMile(30, 12)) / 1000) + percentOf(AWAKE_KW / 4 + ASLEEP_KW / 4);
    expect(c.batteryLevel).toBeCloseTo(60 - used, 6);
    c.advanceTo(at(360 + 60));
    expect(c.odometerMi).toBeCloseTo(1060, 6); // the next period drove again
  });

  it('a worn pack (batteryHealthPercent) holds less: fewer rated miles per percent, and the same drive takes more of it', () => {
    const worn = car({ profile: { ...PROFILE, batteryHealthPercent: 90 } });
    const fresh = car();
    const range = (c: SimCar) => c.vehicleData(at(0), new Set(['charge_state'])).charge_state as Record<string, number>;
    expect(range(worn).battery_range! / range(fresh).battery_range!).toBeCloseTo(0.9, 6); // same level, 90 % of the range
    expect(worn.pack.kwh).toBeCloseTo(67.5, 6);
    worn.advanceTo(at(60));
    fresh.advanceTo(at(60));
    expect((60 - worn.batteryLevel) / (60 - fresh.batteryLevel)).toBeCloseTo(1 / 0.9, 6);
  });

  it('falls asleep 15 minutes after the drive while parked, not before', () => {
    const c = car();
    c.advanceTo(at(60 + 14));
    expect(c.state()).toBe('online');
    c.advanceTo(at(60 + 15));
    expect(c.state()).toBe('asleep');
  });

  it('stays awake about 15 minutes after climate or sentry ends, not a moment less', () => {
    // Parked from minute 60; the profile charges from 120, so everything here ends before that.
    const c = car();
    c.advanceTo(at(62));
    c.command('auto_conditioning_start', {}, at(62)); // climate runs 30 minutes, to 92
    c.advanceTo(at(92) + 14 * MINUTE_MS);
    expect(c.state()).toBe('online');
    c.advanceTo(at(92) + 15 * MINUTE_MS);
    expect(c.state()).toBe('asleep');

    const s = car();
    s.advanceTo(at(62));
    s.command('set_sentry_mode', { on: true }, at(62));
    s.advanceTo(at(85)); // held awake by sentry
    expect(s.state()).toBe('online');
    s.command('set_sentry_mode', { on: false }, at(85));
    s.advanceTo(at(99));
    expect(s.state()).toBe('online');
    s.advanceTo(at(100));
    expect(s.state()).toBe('asleep');
    // Neither counts as kept awake by polling.
    expect(s.awakeByPollingMs).toBe(0);
  });

  it('takes profiles up to two months long (a month parked at an airport), and refuses longer ones', async () => {
    const { readFile } = await import('node:fs/promises');
    const airport = driveProfileSchema.parse(JSON.parse(await readFile('infra/bench/profiles/airport-month.json', 'utf8')));
    expect(airport.periodMinutes).toBe(31 * 24 * 60);
    const c = new SimCar({ vin: '5YJ3E7EB0SF000001', id: 1, displayName: 'T', profile: airport, anchor: T0, odometerMi: 1000, batteryLevel: 60 }, T0);
    c.advanceTo(T0 + 20 * 24 * HOUR_MS);
    expect(c.state()).toBe('asleep'); // parked for weeks
    expect(c.odometerMi).toBeCloseTo(1000 + 45 * (50 / 60), 6);
    expect(driveProfileSchema.safeParse({ periodMinutes: 63 * 24 * 60, segments: [] }).success).toBe(false);
  });

  it('a badly connected car answers some data requests 408 while the list calls it online', () => {
    const c = car({ poorConnectivity: 0.25 });
    const dropped = Array.from({ length: 8 }, () => c.dropsRequest());
    expect(dropped).toEqual([false, false, false, true, false, false, false, true]);
    expect(car().dropsRequest()).toBe(false);
  });

  it('stays awake while polled: every data request resets the sleep timer', () => {
    const c = car();
    for (let m = 60; m <= 100; m += 10) {
      c.advanceTo(at(m));
      expect(c.state()).toBe('online');
      c.touch(at(m));
    }
    c.advanceTo(at(115));
    expect(c.state()).toBe('asleep');
  });

  it('takes the configured wake time to come online, then sleeps again if left alone', () => {
    const c = car();
    c.advanceTo(at(80));
    expect(c.state()).toBe('asleep');
    c.wake(at(80));
    c.advanceTo(at(80) + 29_000);
    expect(c.state()).toBe('asleep');
    c.advanceTo(at(80) + 30_000);
    expect(c.state()).toBe('online');
    c.advanceTo(at(80) + 30_000 + 15 * MINUTE_MS);
    expect(c.state()).toBe('asleep');
  });

  it('is held awake by sentry mode', () => {
    const c = car();
    c.advanceTo(at(61));
    c.command('set_sentry_mode', { on: true }, at(61));
    c.advanceTo(at(110));
    expect(c.state()).toBe('online');
  });

  it('charges to the limit during a charge segment, and answers charge commands as a car would', () => {
    const c = car();
    c.advanceTo(at(130));
    expect(c.command('charge_start', {}, at(130))).toEqual({ result: false, reason: 'is_charging' });
    expect(c.command('charge_stop', {}, at(130))).toEqual({ result: true, reason: '' });
    const stoppedAt = c.batteryLevel;
    c.advanceTo(at(150));
    expect(c.batteryLevel).toBeCloseTo(stoppedAt - percentOf(AWAKE_KW / 4 + ASLEEP_KW / 12), 6); // stopped: standing, asleep after 15 minutes
    expect(c.command('charge_start', {}, at(150))).toEqual({ result: true, reason: '' });
    c.advanceTo(at(179));
    expect(c.batteryLevel).toBeGreaterThan(stoppedAt);
    c.advanceTo(at(200));
    expect(c.command('charge_start', {}, at(200))).toEqual({ result: false, reason: 'disconnected' });
    expect(c.command('set_charge_limit', { percent: 80 }, at(200))).toEqual({ result: false, reason: 'already_set' });
  });

  it('shapes vehicle_data like the Fleet API, with location only when asked', () => {
    const c = car();
    c.advanceTo(at(10));
    const body = c.vehicleData(at(10), new Set(['vehicle_state', 'drive_state']));
    expect(body).toMatchObject({
      vin: '5YJ3E7EB0SF000001',
      state: 'online',
      vehicle_state: { odometer: 1005, locked: true },
      drive_state: { shift_state: 'D', speed: 30 },
    });
    expect(body.charge_state).toBeUndefined();
    expect((body.drive_state as Record<string, unknown>).latitude).toBeUndefined();
    const located = c.vehicleData(at(10), new Set(['drive_state', 'location_data']));
    expect((located.drive_state as Record<string, unknown>).latitude).toEqual(expect.any(Number));
  });

  it('logs each drive with its start and end odometer', () => {
    const c = car();
    c.advanceTo(at(30));
    expect(c.truth.trips).toEqual([{ startAt: T0, endAt: null, startOdometerMi: 1000, endOdometerMi: null, energyKwh: expect.any(Number) }]);
    c.advanceTo(at(400));
    expect(c.truth.trips[0]).toMatchObject({ startAt: T0, endAt: at(60), startOdometerMi: 1000 });
    expect(c.truth.trips[0]!.endOdometerMi).toBeCloseTo(1030, 6);
    expect(c.truth.trips[1]).toMatchObject({ startAt: at(360), endAt: null });
  });

  it('counts the minutes a car stayed awake only because it was asked for data', () => {
    const c = car();
    c.advanceTo(at(70));
    c.touch(at(70)); // parked since 60: would sleep at 75, now at 85
    c.advanceTo(at(100));
    expect(c.state()).toBe('asleep');
    expect(c.awakeByPollingMs).toBe(10 * MINUTE_MS);
    const quiet = car();
    quiet.advanceTo(at(100));
    expect(quiet.awakeByPollingMs).toBe(0);
  });

  it('is online the instant a drive begins, even straight from sleep', () => {
    const c = car();
    c.advanceTo(at(300));
    expect(c.state()).toBe('asleep');
    c.advanceTo(at(360)); // the next period's drive starts exactly now
    expect(c.state()).toBe('online');
    expect(c.currentActivity).toBe('drive');
  });

  it('refuses wake times outside 10–60 s', () => {
    expect(() => car({ wakeDelayMs: 5_000 })).toThrow(RangeError);
  });
});

describe('energy model', () => {
  it('costs more per mile at speed and in the cold', () => {
    expect(driveWhPerMile(65, 15)).toBeGreaterThan(driveWhPerMile(30, 15) * 1.2);
    expect(driveWhPerMile(30, -5)).toBeCloseTo(driveWhPerMile(30, 15) * 1.3, 6);
    expect(driveWhPerMile(65, 20)).toBeGreaterThan(230);
    expect(driveWhPerMile(65, 20)).toBeLessThan(270);
  });

  it('tapers DC charging above 30 %', () => {
    expect(dcChargeKw(250, 20)).toBe(250);
    expect(dcChargeKw(250, 65)).toBeLessThan(200);
    expect(dcChargeKw(250, 100)).toBeCloseTo(25, 6);
  });

  const parked = (segments: DriveProfile['segments'], extra: Partial<DriveProfile> = {}, batteryLevel = 60) =>
    new SimCar(
      { vin: '5YJ3E7EB0SF000001', id: 1, displayName: 'T', profile: { periodMinutes: 1440, segments, ...extra }, anchor: T0, odometerMi: 1000, batteryLevel },
      T0,
    );

  it('drains a little asleep, more awake, and much more with sentry on', () => {
    const asleep = parked([]);
    asleep.advanceTo(at(15 + 24 * 60));
    // Awake 15 minutes at the start, then asleep a day: about half a percent.
    expect(60 - asleep.batteryLevel).toBeCloseTo(percentOf(AWAKE_KW / 4 + ASLEEP_KW * 24), 6);
    const sentry = parked([{ activity: 'sentry', startMinute: 0, minutes: 600 }]);
    sentry.advanceTo(at(599));
    expect(sentry.state()).toBe('online');
    expect(sentry.sentryOn).toBe(true);
    expect(60 - sentry.batteryLevel).toBeGreaterThan(4); // ten hours of sentry: ~0.47 kW
    sentry.advanceTo(at(614));
    expect(sentry.state()).toBe('online'); // sentry just ended: the usual 15 minutes
    sentry.advanceTo(at(615));
    expect(sentry.state()).toBe('asleep');
    expect(sentry.awakeByPollingMs).toBe(0);
  });

  it('preconditions in a climate segment, reported as such, and charges the tapering curve at a Supercharger', () => {
    const c = parked(
      [
        { activity: 'climate', startMinute: 100, minutes: 20 },
        { activity: 'supercharge', startMinute: 200, minutes: 30, peakKw: 250 },
      ],
      { outsideTempC: -5 },
      20,
    );
    c.advanceTo(at(110));
    const climate = c.vehicleData(at(110), new Set(['climate_state'])).climate_state as Record<string, unknown>;
    expect(climate).toMatchObject({ is_preconditioning: true, is_climate_on: true, outside_temp: -5 });
    c.advanceTo(at(210));
    const charge = c.vehicleData(at(210), new Set(['charge_state'])).charge_state as Record<string, number | boolean | string>;
    expect(charge).toMatchObject({ charging_state: 'Charging', fast_charger_present: true, fast_charger_type: 'Supercharger' });
    expect(charge.charger_power).toBeGreaterThan(120); // tapering from 250 kW
    expect(charge.time_to_full_charge).toBeGreaterThan(0);
    c.advanceTo(at(240));
    const done = c.truth.chargeSessions[0]!;
    expect(done.dc).toBe(true);
    expect(done.endLevel).toBeCloseTo(80, 1); // from 20 % to the 80 % limit within the half hour (then standing)
    expect(done.energyKwh).toBeCloseTo(((80 - done.startLevel) / 100) * 75, 6);
    expect((c.vehicleData(at(240), new Set(['charge_state'])).charge_state as Record<string, number>).charge_energy_added).toBeCloseTo(done.energyKwh, 2);
  });

  it('stays plugged in at its limit without topping up for every tenth of a percent it loses', () => {
    const c = parked([{ activity: 'charge', startMinute: 0, minutes: 24 * 60, percentPerHour: 20 }], {}, 75);
    c.advanceTo(at(60));
    expect(c.truth.chargeSessions).toHaveLength(1);
    c.advanceTo(at(20 * 60)); // asleep at the limit: ~0.5 % a day, far from the 2 points that start a top-up
    const state = () => (c.vehicleData(at(20 * 60), new Set(['charge_state'])).charge_state as { charging_state: string }).charging_state;
    expect(state()).toBe('Complete');
    expect(c.state()).toBe('asleep');
    expect(c.truth.chargeSessions).toHaveLength(1);
    expect(c.command('charge_start', {}, at(20 * 60))).toEqual({ result: true, reason: '' }); // the owner asks: it tops up
    c.advanceTo(at(20 * 60 + 1));
    expect(state()).toBe('Charging');
  });

  it('wakes a couple of minutes before a drive from a parking, as it does for the owner’s phone key', () => {
    const c = parked([{ activity: 'drive', startMinute: 300, minutes: 10, speedMph: 30 }], { wakeBeforeDriveMinutes: 2 });
    c.advanceTo(at(297));
    expect(c.state()).toBe('asleep');
    c.advanceTo(at(298));
    expect(c.state()).toBe('online');
    expect(c.currentActivity).toBe('park');
    expect(c.odometerMi).toBe(1000);
    c.advanceTo(at(305));
    expect(c.odometerMi).toBeCloseTo(1002.5, 6);
    expect(c.awakeByPollingMs).toBe(0);
  });

  it('is offered a software update every so many days and installs it the next night, held awake', () => {
    const c = parked([], { softwareUpdateEveryDays: 10 });
    const version = (t: number) => {
      c.advanceTo(t);
      const state = c.vehicleData(t, new Set(['vehicle_state'])).vehicle_state as { car_version: string; software_update: { status: string; version: string } };
      return { version: state.car_version.split(' ')[0], status: state.software_update.status, next: state.software_update.version };
    };
    expect(version(at(9 * 24 * 60))).toEqual({ version: '2026.38.4', status: '', next: ' ' });
    expect(version(at(10 * 24 * 60 + 60))).toEqual({ version: '2026.38.4', status: 'available', next: '2026.38.5' });
    expect(version(at(11 * 24 * 60 + 130))).toEqual({ version: '2026.38.4', status: 'installing', next: '2026.38.5' });
    expect(c.state()).toBe('online');
    expect(version(at(11 * 24 * 60 + 160))).toEqual({ version: '2026.38.5', status: '', next: ' ' });
    expect(c.state()).toBe('online'); // the install ended at 02:30; asleep by 02:45
    c.advanceTo(at(11 * 24 * 60 + 166));
    expect(c.state()).toBe('asleep');
  });
});

describe('drive profile format', () => {
  it('rejects overlapping segments and segments past the period', () => {
    const bad = {
      periodMinutes: 60,
      segments: [
        { activity: 'drive', startMinute: 0, minutes: 30, speedMph: 10 },
        { activity: 'charge', startMinute: 20, minutes: 50, percentPerHour: 5 },
      ],
    };
    const result = driveProfileSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message).join()).toMatch(/overlap/);
    expect(result.error!.issues.map((i) => i.message).join()).toMatch(/past the period/);
  });

  it('accepts a day-long commuter profile', () => {
    expect(driveProfileSchema.safeParse({ periodMinutes: 1440, segments: [{ activity: 'drive', startMinute: 480, minutes: 30, speedMph: 30 }] }).success).toBe(
      true,
    );
    expect(HOUR_MS).toBe(3_600_000);
  });
});
