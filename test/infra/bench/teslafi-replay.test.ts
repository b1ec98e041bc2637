import { describe, expect, it } from '@jest/globals';
import { replayAsPolled } from '../../../infra/bench/teslafi-replay';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';

const VIN = '5YJ3E7EB0SF000001';
const T0 = Date.parse('2026-06-15T07:00:00Z');
const MIN = 60_000;

/** A recording with a row every minute: parked for an hour, then driving for 30 minutes, then parked. */
function recording() {
  return Array.from({ length: 120 }, (_, m) => {
    const driving = m >= 60 && m < 90;
    const odometer = 1000 + Math.min(30, Math.max(0, m - 60)) * 0.5;
    return snapshotFromVehicleData(
      VIN,
      {
        vehicle_state: { odometer, timestamp: T0 + m * MIN },
        drive_state: { shift_state: driving ? 'D' : 'P', speed: driving ? 30 : null },
        charge_state: { battery_level: 70, battery_range: 210, charging_state: 'Disconnected' },
      },
      0,
    );
  });
}

describe('a recording replayed as the collector would have read it', () => {
  it('reads on the policy’s schedule: at once, then quiet while parked, every 5 minutes while driving', () => {
    const { readings, reads } = replayAsPolled(recording(), []);
    const minutes = readings.map((r) => (r.takenAt - T0) / MIN);
    expect(minutes[0]).toBe(0); // online: read at once
    expect(minutes[1]).toBe(5); // once more, in case it was about to be driven
    expect(minutes[2]).toBe(26); // then left 21 minutes to fall asleep (it did not)
    // While it drove, a read every 5 minutes; the first read that found it parked again ends the drive.
    const driving = minutes.filter((m) => m >= 60 && m < 95);
    expect(driving.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < driving.length; i++) expect(driving[i]! - driving[i - 1]!).toBeLessThanOrEqual(21);
    expect(reads).toBe(readings.length); // every read found a row
    expect(readings.length).toBeLessThan(20); // of 120 rows
  });

  it('reads nothing while the list says the car is asleep, and counts a read that found no row', () => {
    const rows = recording().filter((r) => r.takenAt < T0 + 10 * MIN || r.takenAt >= T0 + 50 * MIN);
    const changes = [
      { vin: VIN, at: T0 + 11 * MIN, state: 'asleep' as const },
      { vin: VIN, at: T0 + 45 * MIN, state: 'online' as const }, // listed online 5 minutes before any row
    ];
    const { readings, reads } = replayAsPolled(rows, changes);
    expect(readings.every((r) => r.takenAt < T0 + 11 * MIN || r.takenAt >= T0 + 50 * MIN)).toBe(true);
    expect(reads).toBeGreaterThan(readings.length);
  });
});
