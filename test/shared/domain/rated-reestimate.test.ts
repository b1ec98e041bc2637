import { describe, expect, it } from '@jest/globals';
import type { Drive } from '../../../shared/domain/history/history-records';
import { recordHistory } from '../../../shared/domain/history/history-recorder';
import { atRatedConsumption } from '../../../shared/domain/history/rated-reestimate';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import { MemoryHistoryStore } from '../../support/memory-history-store';

const VIN = '5YJSA1E20GF000001'; // a Model S: 95 kWh assumed
const T0 = Date.parse('2026-11-02T07:00:00Z');
const MIN = 60_000;

/** A reading: rated range 2.6 miles a percent (a 260-mile car, an older pack than the assumed 95 kWh). */
function reading(minute: number, odometer: number, range: number, extra: { gear?: 'D' | 'P'; charging?: number } = {}) {
  const at = T0 + minute * MIN;
  return snapshotFromVehicleData(
    VIN,
    {
      vehicle_state: { odometer, timestamp: at },
      drive_state: { shift_state: extra.gear ?? 'P', speed: extra.gear === 'D' ? 30 : null },
      charge_state: {
        battery_level: Math.round(range / 2.6),
        battery_range: range,
        charging_state: extra.charging !== undefined ? 'Charging' : 'Disconnected',
        charge_energy_added: extra.charging ?? 0,
      },
    },
    at,
  );
}

describe('drives priced at the assumed pack before the car’s charging showed its consumption', () => {
  it('are priced again at the consumption, stored and in their month, once a session shows it', async () => {
    const store = new MemoryHistoryStore();
    // A 10-mile drive using 13 rated miles, then an evening charge adding 9 kWh for 30 rated miles (300 Wh each).
    const day = [
      reading(0, 1000, 156),
      reading(10, 1005, 149.5, { gear: 'D' }),
      reading(20, 1010, 143),
      reading(600, 1010, 143, { charging: 0 }),
      reading(660, 1010, 158, { charging: 4.5 }),
      reading(720, 1010, 173, { charging: 9 }),
      reading(730, 1010, 173),
    ];
    const stored = async (): Promise<Drive> => (await store.listDrives(VIN, { fromMs: 0, toMs: T0 + 86_400_000, limit: 5 })).items[0]!;
    for (const r of day.slice(0, 3)) await recordHistory(store, r);
    const before = await stored();
    expect(before.energyEstimate).toBe('rated_range_pack');
    expect(before.ratedRangeUsedMi).toBe(13);
    expect(before.estimatedEnergyKwh).toBeCloseTo((13 / 260) * 95, 1); // 4.75 kWh

    for (const r of day.slice(3)) await recordHistory(store, r);
    const after = await stored();
    expect(after).toMatchObject({ energyEstimate: 'rated_range_charging', estimatedEnergyKwh: 3.9, whPerMi: 390 });
    const [month] = await store.listMonths(VIN, '2026-11', '2026-11');
    expect(month).toMatchObject({ estimatedUsedKwh: 3.9, whPerMi: 390 });
  });

  it('leaves every other drive as it is', () => {
    const drive = { energyEstimate: 'rated_range_pack', ratedRangeUsedMi: 10, estimatedEnergyKwh: 3.6, distanceMi: 9 } as Drive;
    expect(atRatedConsumption(drive, null)).toBe(drive); // no consumption known yet
    for (const other of [
      { ...drive, energyEstimate: 'rated_range_charging' as const },
      { ...drive, energyEstimate: 'battery_level' as const },
      { ...drive, energyEstimate: 'imported' as const },
      { ...drive, ratedRangeUsedMi: undefined }, // derived before the rated miles were kept
    ])
      expect(atRatedConsumption(other, 300)).toBe(other);
    expect(atRatedConsumption(drive, 300)).toMatchObject({ estimatedEnergyKwh: 3, whPerMi: 333, energyEstimate: 'rated_range_charging' });
  });
});
