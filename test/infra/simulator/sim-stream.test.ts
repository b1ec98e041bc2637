import { describe, expect, it } from '@jest/globals';
import { MINUTE_MS } from '../../../shared/domain/clock';
import type { StreamedSignal } from '../../../shared/domain/telemetry/signal-set';
import type { DriveProfile } from '../../../infra/simulator/drive-profile';
import { SimCar } from '../../../infra/simulator/sim-car';
import { CarStreamer } from '../../../infra/simulator/sim-stream';

const T0 = Date.parse('2026-01-05T00:00:00Z');
// Parked 10 minutes, then a 20-minute drive at 30 mph; a 6-hour period.
const PROFILE: DriveProfile = { periodMinutes: 360, segments: [{ activity: 'drive', startMinute: 10, minutes: 20, speedMph: 30 }] };
const signal = (name: string, intervalSeconds: number, minimumDelta?: number): StreamedSignal => ({
  name,
  intervalSeconds,
  ...(minimumDelta !== undefined ? { minimumDelta } : {}),
  why: '',
  changesPerHour: { driving: 0, charging: 0, parkedOnline: 0 },
});

function run(set: StreamedSignal[], toMinute: number) {
  const car = new SimCar({ vin: '5YJ3E7EB0SF000001', id: 1, displayName: 'T', profile: PROFILE, anchor: T0, odometerMi: 1000, batteryLevel: 60 }, T0);
  const streamer = new CarStreamer(car, set);
  const records = [];
  for (let t = T0 + 1000; t <= T0 + toMinute * MINUTE_MS; t += 1000) {
    car.advanceTo(t);
    const r = streamer.tick(t);
    if (r) records.push(r);
  }
  return records;
}

describe('the simulated car’s stream', () => {
  it('sends a field when it changed, no more often than its interval, and every tenth of a mile with a minimum delta', () => {
    const records = run([signal('Gear', 1), signal('Odometer', 1, 0.1)], 40);
    const gears = records.flatMap((r) => r.data.filter((d) => d.key === 'Gear').map((d) => [r.createdAt, d.value]));
    // Parked at first, D at minute 10 to the second, P at minute 30.
    expect(gears).toEqual([
      [new Date(T0 + 1000).toISOString(), { shiftStateValue: 'ShiftStateP' }],
      [new Date(T0 + 10 * MINUTE_MS).toISOString(), { shiftStateValue: 'ShiftStateD' }],
      [new Date(T0 + 30 * MINUTE_MS).toISOString(), { shiftStateValue: 'ShiftStateP' }],
    ]);
    // 10 miles driven: the first reading and one per tenth.
    const odometers = records.flatMap((r) => r.data.filter((d) => d.key === 'Odometer'));
    expect(odometers).toHaveLength(1 + 100);
  });

  it('sends nothing while the car is asleep, and what changed once it is awake', () => {
    // The car falls asleep some 15 minutes after the drive; nothing is sent from then until the next drive.
    const records = run([signal('Gear', 1), signal('VehicleSpeed', 10)], 360 + 11);
    const quiet = records.filter((r) => Date.parse(r.createdAt) > T0 + 60 * MINUTE_MS && Date.parse(r.createdAt) < T0 + 370 * MINUTE_MS);
    expect(quiet).toEqual([]);
    const next = records.filter((r) => Date.parse(r.createdAt) >= T0 + 370 * MINUTE_MS);
    expect(next[0]?.data).toEqual([
      { key: 'Gear', value: { shiftStateValue: 'ShiftStateD' } },
      { key: 'VehicleSpeed', value: { stringValue: '30' } },
    ]);
  });
});
