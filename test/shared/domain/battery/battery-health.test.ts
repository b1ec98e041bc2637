import { describe, expect, it } from '@jest/globals';
import { batteryHealth, MIN_SAMPLES } from '../../../../shared/domain/battery/battery-health';
import type { ChargingSession, Drive } from '../../../../shared/domain/history/history-records';

/** A drive that ended on `day` at `level` % with the range a pack of `fullRangeMi` would show (to 0.01 mi). */
function drive(day: string, level: number, fullRangeMi: number, extra: Partial<Drive> = {}): Drive {
  const at = Date.parse(`${day}T18:00:00Z`);
  const point = { at, odometerMi: 1000, batteryLevel: level, rangeMi: Math.round(fullRangeMi * level) / 100, location: null };
  return { ...({ vin: 'V', id: String(at), start: point, end: point } as unknown as Drive), ...extra };
}

/** A month of drives: levels from 35 to 80 %, the full range `fullRangeMi`, the car's whole percent rounding it. */
function month(prefix: string, fullRangeMi: number): Drive[] {
  return Array.from({ length: 20 }, (_, i) => {
    const level = 35 + ((i * 7) % 46);
    const trueLevel = level + ((i % 5) - 2) / 5; // the car shows whole percent of a level it knows finer
    return drive(`${prefix}-${String(1 + i).padStart(2, '0')}`, level, (fullRangeMi * trueLevel) / level);
  });
}

describe('battery health from drive ends', () => {
  it('gives each month’s full range within its spread, the capacity at the car’s rated consumption, and the loss', () => {
    const health = batteryHealth([...month('2026-01', 310), ...month('2026-06', 303.8)], [], 250);
    expect(health.months.map((m) => m.month)).toEqual(['2026-01', '2026-06']);
    const [jan, jun] = health.months;
    expect(jan!.fullRangeMi).toBeCloseTo(310, -0.5); // within a mile or so of the truth, whole percent notwithstanding
    expect(Math.abs(jun!.fullRangeMi - 303.8) / 303.8).toBeLessThan(0.01);
    expect(jan!.fullRangeMiIqr[0]).toBeLessThanOrEqual(jan!.fullRangeMi);
    expect(jan!.fullRangeMiIqr[1]).toBeGreaterThanOrEqual(jan!.fullRangeMi);
    expect(jan!.capacityKwh).toBeCloseTo((jan!.fullRangeMi * 250) / 1000, 1);
    expect(health.lossPercent).toBeCloseTo(2, 0);
    expect(health.method).toMatch(/end of each drive/);
  });

  it('leaves out low levels, imported drives and months with too few drives; says nothing of a capacity it cannot know', () => {
    const few = Array.from({ length: MIN_SAMPLES - 1 }, (_, i) => drive(`2026-02-0${i + 1}`, 60, 300));
    const low = Array.from({ length: 10 }, (_, i) => drive(`2026-03-${10 + i}`, 20, 300));
    const imported = Array.from({ length: 10 }, (_, i) => drive(`2026-04-${10 + i}`, 60, 300, { imported: { source: 'teslamate' } }));
    expect(batteryHealth([...few, ...low, ...imported], [], null)).toMatchObject({
      months: [],
      lossPercent: null,
      ratedWhPerMi: null,
      leftOut: { imported: 10, lowLevel: 10, cold: 0, afterCharge: 0 },
    });
    expect(batteryHealth(month('2026-05', 300), [], null).months[0]!.capacityKwh).toBeNull();
  });

  it('leaves out drives in the cold and drives that ended within an hour of a charge, where the car’s estimate is off', () => {
    const fair = month('2026-07', 300);
    // A cold pack holds energy back: the car shows less range per percent. Right after a charge to the limit it shows more.
    const cold = Array.from({ length: 8 }, (_, i) => drive(`2026-07-${10 + i}`, 60, 280, { outsideTempC: -3 }));
    const afterCharge = Array.from({ length: 8 }, (_, i) => drive(`2026-07-${21 + i}`, 78, 320));
    const session = (lastChargingAt: number, endBy = lastChargingAt + 10 * 60_000) => ({ lastChargingAt, endBy }) as ChargingSession;
    const charges = afterCharge.map((d) => session(d.end.at - 40 * 60_000));
    const earlier = session(fair[0]!.end.at - 3 * 3_600_000); // hours before: no matter
    // A charge seen only by the level it added after this drive's end: its end reading, not a charge before it.
    const seenAfter = session(fair[1]!.end.at, fair[1]!.end.at + 12 * 3_600_000);
    const health = batteryHealth([...fair, ...cold, ...afterCharge], [...charges, earlier, seenAfter], null);
    expect(health.leftOut).toEqual({ imported: 0, lowLevel: 0, cold: 8, afterCharge: 8 });
    expect(health.months[0]!.samples).toBe(20);
    expect(Math.abs(health.months[0]!.fullRangeMi - 300) / 300).toBeLessThan(0.005);
    expect(health.method).toMatch(/5 °C/);
  });
});
