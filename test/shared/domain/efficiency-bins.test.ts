import { describe, expect, it } from '@jest/globals';
import { averageSpeedMph, efficiencyBins } from '../../../shared/domain/efficiency/efficiency-bins';
import type { Drive } from '../../../shared/domain/history/history-records';

const T0 = Date.parse('2026-01-10T08:00:00Z');

/** A drive of `miles` at `mph` (its bounds a minute wide), `wh` per mile, at `tempC`. */
function drive(miles: number, mph: number, whPerMi: number | null, tempC?: number): Drive {
  const minutes = (miles / mph) * 60;
  const end = T0 + minutes * 60_000;
  return {
    vin: 'V',
    id: String(T0),
    start: { at: T0 - 60_000, odometerMi: 0, batteryLevel: 80, rangeMi: 240, location: null },
    startedBy: T0 + 60_000,
    endedAfter: end - 60_000,
    end: { at: end + 60_000, odometerMi: miles, batteryLevel: 70, rangeMi: 210, location: null },
    distanceMi: miles,
    durationMs: end - T0 + 120_000,
    estimatedEnergyKwh: whPerMi === null ? null : (miles * whPerMi) / 1000,
    whPerMi,
    whPerKm: null,
    maxSpeedMph: mph,
    readings: 3,
    mayHideStops: false,
    ...(tempC === undefined ? {} : { outsideTempC: tempC }),
  };
}

describe('efficiency against temperature and speed', () => {
  it('weights each bin by distance: a long cold drive counts for its miles', () => {
    const bins = efficiencyBins([drive(30, 60, 300, -3), drive(2, 25, 400, -1), drive(10, 30, 250, 12), drive(10, 30, null, 12), drive(0.5, 20, 500, 12)]);
    expect(bins.drives).toBe(3);
    expect(bins.byOutsideTempC).toEqual([
      { from: -5, drives: 2, distanceMi: 32, whPerMi: Math.round((30 * 300 + 2 * 400) / 32) },
      { from: 10, drives: 1, distanceMi: 10, whPerMi: 250 },
    ]);
    expect(bins.byAverageSpeedMph.map((b) => [b.from, b.drives])).toEqual([
      [20, 1],
      [30, 1],
      [60, 1],
    ]);
  });

  it('reads a drive’s speed over its best-estimate duration, and leaves drives without a temperature out of that table', () => {
    expect(averageSpeedMph(drive(30, 60, 300))).toBeCloseTo(60, 0);
    expect(efficiencyBins([drive(10, 30, 250)]).byOutsideTempC).toEqual([]);
  });
});
