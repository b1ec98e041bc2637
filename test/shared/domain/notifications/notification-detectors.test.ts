import { describe, expect, it } from '@jest/globals';
import { NEW_WATCH, noticesFromPass, noticesFromReading, type CarWatch } from '../../../../shared/domain/notifications/notification-detectors';
import type { Notification } from '../../../../shared/domain/notifications/notification';
import { snapshotFromVehicleData, type Snapshot } from '../../../../shared/domain/snapshot';

const VIN = '5YJ3E7EB0SF000001';
const T0 = Date.parse('2026-11-28T08:00:00Z');

interface Reading {
  minute: number;
  odometer: number;
  shift?: string | null;
  locked?: boolean;
  sentry?: boolean;
  battery?: number;
  charging?: string;
  limit?: number;
  update?: { status: string; version: string };
  /** Tyre pressures, bar (fl, fr, rl, rr), with the car's recommended 2.9; and the wheels it warns about. */
  tyres?: [number, number, number, number];
  tyreWarn?: string;
}

const snap = (r: Reading): Snapshot =>
  snapshotFromVehicleData(
    VIN,
    {
      vehicle_state: {
        odometer: r.odometer,
        timestamp: T0 + r.minute * 60_000,
        locked: r.locked ?? true,
        sentry_mode: r.sentry ?? false,
        car_version: '2026.44.1',
        software_update: r.update ?? { status: '', version: '' },
        ...(r.tyres
          ? {
              tpms_pressure_fl: r.tyres[0],
              tpms_pressure_fr: r.tyres[1],
              tpms_pressure_rl: r.tyres[2],
              tpms_pressure_rr: r.tyres[3],
              tpms_rcp_front_value: 2.9,
              tpms_rcp_rear_value: 2.9,
              ...(r.tyreWarn ? { [`tpms_hard_warning_${r.tyreWarn}`]: true } : {}),
            }
          : {}),
      },
      drive_state: { shift_state: r.shift ?? null, speed: r.shift === 'D' ? 30 : null },
      charge_state: { battery_level: r.battery ?? 70, charging_state: r.charging ?? 'Disconnected', charge_limit_soc: r.limit ?? 80 },
    },
    T0 + r.minute * 60_000,
  );

/** Feeds readings in order, as the collector would, and returns every notice. */
function feed(readings: Reading[], unlockedMinutes = 10): Notification[] {
  let previous: Snapshot | null = null;
  let watch: CarWatch = NEW_WATCH;
  const all: Notification[] = [];
  for (const reading of readings) {
    const current = snap(reading);
    const out = noticesFromReading(VIN, 'Model 3', previous, current, watch, unlockedMinutes);
    all.push(...out.notices);
    watch = out.watch;
    previous = current;
  }
  return all;
}

describe('notifications from readings', () => {
  it('a drive read three times while moving is one drive_finished with its whole distance', () => {
    const notices = feed([
      { minute: 0, odometer: 100 },
      { minute: 5, odometer: 102, shift: 'D' },
      { minute: 10, odometer: 104.5, shift: 'D' },
      { minute: 15, odometer: 106, shift: 'D' },
      { minute: 20, odometer: 107.2, shift: 'P' },
      { minute: 40, odometer: 107.2, shift: 'P' },
    ]);
    expect(notices.map((n) => n.kind)).toEqual(['drive_finished']);
    expect(notices[0]).toMatchObject({ data: { distanceMi: 7.2 }, title: 'Model 3: drive finished, 7.2 mi' });
  });

  it('a drive already under way at the first reading runs from that reading', () => {
    const notices = feed([
      { minute: 0, odometer: 100, shift: 'D' },
      { minute: 5, odometer: 103, shift: 'D' },
      { minute: 10, odometer: 104, shift: 'P' },
    ]);
    expect(notices.map((n) => n.data.distanceMi)).toEqual([4]);
  });

  it('a drive between two parked readings still counts; standing still does not', () => {
    expect(
      feed([
        { minute: 0, odometer: 100 },
        { minute: 30, odometer: 103 },
      ]).map((n) => n.kind),
    ).toEqual(['drive_finished']);
    expect(
      feed([
        { minute: 0, odometer: 100 },
        { minute: 30, odometer: 100.05 },
      ]),
    ).toEqual([]);
  });

  it('charging complete, and charging that stops short of the limit', () => {
    expect(
      feed([
        { minute: 0, odometer: 1, charging: 'Charging', battery: 70 },
        { minute: 20, odometer: 1, charging: 'Complete', battery: 80 },
      ]).map((n) => n.kind),
    ).toEqual(['charging_complete']);
    const short = feed([
      { minute: 0, odometer: 1, charging: 'Charging', battery: 50 },
      { minute: 20, odometer: 1, charging: 'Stopped', battery: 55, limit: 90 },
    ]);
    expect(short.map((n) => n.kind)).toEqual(['charging_stopped']);
    expect(short[0]!.message).toContain('before the 90 % limit');
    // Unplugged at the limit is not "stopped short".
    expect(
      feed([
        { minute: 0, odometer: 1, charging: 'Charging', battery: 79 },
        { minute: 20, odometer: 1, charging: 'Disconnected', battery: 80, limit: 80 },
      ]),
    ).toEqual([]);
  });

  it('left unlocked: one notice per episode, only after the minutes set, none while driving', () => {
    const notices = feed([
      { minute: 0, odometer: 1, locked: false },
      { minute: 5, odometer: 1, locked: false },
      { minute: 12, odometer: 1, locked: false },
      { minute: 30, odometer: 1, locked: false },
      { minute: 31, odometer: 1, locked: true },
      { minute: 40, odometer: 1, locked: false },
      { minute: 55, odometer: 1, locked: false },
    ]);
    expect(notices.map((n) => `${n.kind}@${new Date(n.at).toISOString().slice(11, 16)}`)).toEqual(['left_unlocked@08:12', 'left_unlocked@08:55']);
    expect(new Set(notices.map((n) => n.id)).size).toBe(2);
    expect(
      feed([
        { minute: 0, odometer: 1, locked: false, shift: 'D' },
        { minute: 20, odometer: 5, locked: false, shift: 'D' },
      ]).filter((n) => n.kind === 'left_unlocked'),
    ).toEqual([]);
  });

  it('sentry switched, and an update offered once per version', () => {
    const notices = feed([
      { minute: 0, odometer: 1, sentry: false },
      { minute: 10, odometer: 1, sentry: true, update: { status: 'available', version: '2026.48.2' } },
      { minute: 20, odometer: 1, sentry: true, update: { status: 'downloading', version: '2026.48.2' } },
    ]);
    expect(notices.map((n) => n.kind)).toEqual(['sentry_changed', 'update_available', 'update_available']);
    expect(new Set(notices.filter((n) => n.kind === 'update_available').map((n) => n.id)).size).toBe(1); // the same event: delivered once
  });
});

describe('tyre notifications', () => {
  it('a low tyre is told once, with the wheel and the pressure, however many readings show it', () => {
    const tyres: [number, number, number, number] = [2.9, 2.9, 2.3, 2.9];
    const notices = feed([
      { minute: 0, odometer: 1000, tyres: [2.9, 2.9, 2.9, 2.9] },
      { minute: 60, odometer: 1000, tyres },
      { minute: 120, odometer: 1000, tyres },
    ]).filter((n) => n.kind.startsWith('tyre'));
    expect(notices).toEqual([
      expect.objectContaining({
        id: `tyre_low:${VIN}:rl:${T0 + 60 * 60_000}`,
        kind: 'tyre_low',
        title: 'Model 3: RL tyre low, 2.30 bar',
        data: { vin: VIN, wheel: 'rl', bar: 2.3, limitBar: 2.465, byCar: false },
      }),
    ]);
  });

  it('says so when the car itself warns, and says nothing of a car that reports no pressures', () => {
    expect(feed([{ minute: 0, odometer: 1000, tyres: [2.8, 2.9, 2.9, 2.9], tyreWarn: 'fl' }]).map((n) => [n.kind, n.data.byCar])).toEqual([['tyre_low', true]]);
    expect(
      feed([
        { minute: 0, odometer: 1000 },
        { minute: 60, odometer: 1000 },
      ]).filter((n) => n.kind.startsWith('tyre')),
    ).toEqual([]);
  });
});

describe('notifications from a pass', () => {
  it('stale data once per episode, and the budget at 80 % once a month', () => {
    const since = T0 - 7 * 3_600_000;
    const first = noticesFromPass(VIN, 'Model 3', { code: 'stale_data', message: 'online, but no reading', since }, 81.5, T0);
    const later = noticesFromPass(VIN, 'Model 3', { code: 'stale_data', message: 'online, but no reading', since }, 90, T0 + 3_600_000);
    expect(first.map((n) => n.kind)).toEqual(['data_stale', 'budget_80']);
    expect(later.map((n) => n.id)).toEqual(first.map((n) => n.id));
    expect(noticesFromPass(VIN, 'Model 3', null, 79.9, T0)).toEqual([]);
  });

  it('tells of a car not streaming once per episode, and of a streaming configuration ending soon once per expiry', () => {
    const since = T0 - 20 * 60_000;
    const problem = { code: 'streaming_silent' as const, message: 'online for 20 min without connecting to the receiver', since };
    const expires = T0 + 10 * 86_400_000;
    const first = noticesFromPass(VIN, 'Model 3', problem, 10, T0, expires);
    expect(first.map((n) => [n.kind, n.title])).toEqual([
      ['streaming_silent', 'Model 3: not streaming'],
      ['streaming_expiring', 'Model 3: streaming ends on 2026-12-08'],
    ]);
    // The next pass sees the same episode and the same expiry: the same ids, so nothing is sent twice.
    expect(noticesFromPass(VIN, 'Model 3', problem, 10, T0 + 300_000, expires).map((n) => n.id)).toEqual(first.map((n) => n.id));
    // Renewed: a new expiry is a new notice when its time comes; one already past is the silence's to tell.
    expect(noticesFromPass(VIN, 'Model 3', null, 10, T0, T0 - 1)).toEqual([]);
  });
});
