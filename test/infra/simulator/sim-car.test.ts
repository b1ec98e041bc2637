import { describe, expect, it } from '@jest/globals';
import { HOUR_MS, MINUTE_MS } from '../../../shared/domain/clock';
import { driveProfileSchema, type DriveProfile } from '../../../infra/simulator/drive-profile';
import { SimCar } from '../../../infra/simulator/sim-car';

const T0 = Date.parse('2026-01-05T00:00:00Z');
// Drive 60 min at 30 mph from minute 0; charge from minute 120 for 60 min at 20 %/h; park otherwise (period 6 h).
const PROFILE: DriveProfile = {
  periodMinutes: 360,
  segments: [
    { activity: 'drive', startMinute: 0, minutes: 60, speedMph: 30 },
    { activity: 'charge', startMinute: 120, minutes: 60, percentPerHour: 20 },
  ],
};

const car = (overrides = {}) => new SimCar({ vin: '5YJ3E7EB0SF000001', id: 1, displayName: 'T', profile: PROFILE, anchor: T0, odometerMi: 1000, batteryLevel: 60, wakeDelayMs: 30_000, ...overrides }, T0);
const at = (minutes: number) => T0 + minutes * MINUTE_MS;

describe('SimCar', () => {
  it('drives the profile: odometer and battery move only while driving', () => {
    const c = car();
    c.advanceTo(at(30));
    expect(c.odometerMi).toBeCloseTo(1015, 6);
    expect(c.currentActivity).toBe('drive');
    c.advanceTo(at(90));
    expect(c.odometerMi).toBeCloseTo(1030, 6);
    expect(c.batteryLevel).toBeCloseTo(60 - 30 * 0.3, 6);
    c.advanceTo(at(360 + 60));
    expect(c.odometerMi).toBeCloseTo(1060, 6); // the next period drove again
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
    expect(c.batteryLevel).toBe(stoppedAt);
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
    expect(body).toMatchObject({ vin: '5YJ3E7EB0SF000001', state: 'online', vehicle_state: { odometer: 1005, locked: true }, drive_state: { shift_state: 'D', speed: 30 } });
    expect(body.charge_state).toBeUndefined();
    expect((body.drive_state as Record<string, unknown>).latitude).toBeUndefined();
    const located = c.vehicleData(at(10), new Set(['drive_state', 'location_data']));
    expect((located.drive_state as Record<string, unknown>).latitude).toEqual(expect.any(Number));
  });

  it('logs each drive with its start and end odometer', () => {
    const c = car();
    c.advanceTo(at(30));
    expect(c.trips).toEqual([{ startAt: T0, endAt: null, startOdometerMi: 1000, endOdometerMi: null }]);
    c.advanceTo(at(400));
    expect(c.trips[0]).toMatchObject({ startAt: T0, endAt: at(60), startOdometerMi: 1000 });
    expect(c.trips[0]!.endOdometerMi).toBeCloseTo(1030, 6);
    expect(c.trips[1]).toMatchObject({ startAt: at(360), endAt: null });
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

describe('drive profile format', () => {
  it('rejects overlapping segments and segments past the period', () => {
    const bad = { periodMinutes: 60, segments: [{ activity: 'drive', startMinute: 0, minutes: 30, speedMph: 10 }, { activity: 'charge', startMinute: 20, minutes: 50, percentPerHour: 5 }] };
    const result = driveProfileSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message).join()).toMatch(/overlap/);
    expect(result.error!.issues.map((i) => i.message).join()).toMatch(/past the period/);
  });

  it('accepts a day-long commuter profile', () => {
    expect(driveProfileSchema.safeParse({ periodMinutes: 1440, segments: [{ activity: 'drive', startMinute: 480, minutes: 30, speedMph: 30 }] }).success).toBe(true);
    expect(HOUR_MS).toBe(3_600_000);
  });
});
