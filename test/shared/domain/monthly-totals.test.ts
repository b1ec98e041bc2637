import { describe, expect, it } from '@jest/globals';
import { recordHistory } from '../../../shared/domain/history/history-recorder';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import { MemoryHistoryStore } from '../../support/memory-history-store';

const VIN = '5YJ3E7EB0SF000001';

describe('month totals', () => {
  it('a drive after a night asleep counts in the month it was seen moving, the month the drive lists show it under', async () => {
    const store = new MemoryHistoryStore();
    const reading = (iso: string, odometer: number, gear: 'P' | 'D') =>
      snapshotFromVehicleData(
        VIN,
        { vehicle_state: { odometer, timestamp: Date.parse(iso) }, drive_state: { shift_state: gear, speed: gear === 'D' ? 40 : null } },
        0,
      );
    // Parked on 31 October at 22:00, asleep all night; seen driving on 1 November at 08:10, parked at 08:30.
    for (const r of [
      reading('2026-10-31T21:50:00Z', 1000, 'P'),
      reading('2026-10-31T22:00:00Z', 1000, 'P'),
      reading('2026-11-01T08:10:00Z', 1004, 'D'),
      reading('2026-11-01T08:30:00Z', 1012, 'P'),
    ])
      await recordHistory(store, r);
    const [drive] = (await store.listDrives(VIN, { fromMs: 0, toMs: Date.parse('2027-01-01'), limit: 10 })).items;
    expect(new Date(drive!.start.at).toISOString()).toBe('2026-10-31T22:00:00.000Z'); // the last reading before it
    expect(new Date(drive!.startedBy).toISOString()).toBe('2026-11-01T08:10:00.000Z');
    const months = await store.listMonths(VIN, '2026-10', '2026-11');
    expect(months.map((m) => [m.month, m.drives, m.distanceMi])).toEqual([['2026-11', 1, 12]]);
  });
});
