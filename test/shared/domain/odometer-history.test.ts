import { describe, expect, it } from '@jest/globals';
import { dailyOdometerSeries, rawOdometerSeries, rollupsFromSnapshots } from '../../../shared/domain/odometer-history';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';

const at = (iso: string, odometer: number | null) =>
  snapshotFromVehicleData('5YJ3E7EB0SF000001', { vehicle_state: { odometer, timestamp: Date.parse(iso) } }, 0);

describe('odometer series', () => {
  const snapshots = [
    at('2026-03-02T18:00:00Z', 1030.5),
    at('2026-03-01T08:00:00Z', 1000),
    at('2026-03-01T09:00:00Z', null),
    at('2026-03-01T17:00:00Z', 1012.25),
    at('2026-03-02T07:00:00Z', 1012.25),
  ];

  it('lists readings in time order and drops those without an odometer', () => {
    expect(rawOdometerSeries(snapshots, 'mi')).toEqual([
      { at: '2026-03-01T08:00:00.000Z', odometer: 1000 },
      { at: '2026-03-01T17:00:00.000Z', odometer: 1012.25 },
      { at: '2026-03-02T07:00:00.000Z', odometer: 1012.25 },
      { at: '2026-03-02T18:00:00.000Z', odometer: 1030.5 },
    ]);
  });

  it('converts to kilometres', () => {
    expect(rawOdometerSeries([at('2026-03-01T08:00:00Z', 100)], 'km')[0]!.odometer).toBe(160.934);
  });

  it('rolls readings up per UTC day with the distance driven that day', () => {
    expect(dailyOdometerSeries(rollupsFromSnapshots(snapshots), null, 'mi')).toEqual([
      { date: '2026-03-01', first: 1000, last: 1012.25, distance: 12.25 },
      { date: '2026-03-02', first: 1012.25, last: 1030.5, distance: 18.25 },
    ]);
  });

  it('counts a drive that ended before the day’s first reading, from the previous day’s last', () => {
    // Parked overnight at 1012.25; the morning drive is only seen after it ended (first reading 1020).
    const days = rollupsFromSnapshots([at('2026-03-02T09:00:00Z', 1020), at('2026-03-02T19:00:00Z', 1030)]);
    const before = rollupsFromSnapshots([at('2026-03-01T17:00:00Z', 1012.25)])[0]!;
    expect(dailyOdometerSeries(days, before, 'mi')).toEqual([{ date: '2026-03-02', first: 1020, last: 1030, distance: 17.75 }]);
  });
});
