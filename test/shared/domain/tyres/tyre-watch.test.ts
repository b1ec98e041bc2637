import { describe, expect, it } from '@jest/globals';
import { NEW_TYRE_WATCH, watchTyres, type TyreAlert, type TyreReading, type TyreWatch, type Wheel } from '../../../../shared/domain/tyres/tyre-watch';

const T0 = Date.parse('2026-11-01T07:00:00Z');
const HOUR = 3_600_000;
const RCP = { front: 2.9, rear: 2.9 };

/** Four readings a day for `days`; every wheel follows the day's temperature, and `loss(wheel, day)` is air lost. */
function month(days: number, loss: (wheel: Wheel, day: number) => number = () => 0): TyreReading[] {
  const readings: TyreReading[] = [];
  for (let day = 0; day < days; day++) {
    for (const hour of [0, 5, 10, 14]) {
      const warm = 0.25 * Math.sin(((hour + day) / 24) * 2 * Math.PI); // cold mornings, warm drives: all four alike
      const bar = (w: Wheel, base: number) => Math.round((base + warm - loss(w, day + hour / 24)) * 1000) / 1000;
      readings.push({
        at: T0 + day * 24 * HOUR + hour * HOUR,
        pressureBar: { fl: bar('fl', 2.95), fr: bar('fr', 2.9), rl: bar('rl', 2.92), rr: bar('rr', 2.88) },
        recommendedBar: RCP,
        carWarns: [],
      });
    }
  }
  return readings;
}

function replay(readings: TyreReading[], watch: TyreWatch = NEW_TYRE_WATCH): { alerts: Array<TyreAlert & { readingAt: number }>; watch: TyreWatch } {
  const alerts: Array<TyreAlert & { readingAt: number }> = [];
  for (const r of readings) {
    const step = watchTyres(watch, r);
    watch = step.watch;
    alerts.push(...step.alerts.map((a) => ({ ...a, readingAt: r.at })));
  }
  return { alerts, watch };
}

describe('tyres: low, and losing air faster than the others', () => {
  it('a month of healthy tyres whose pressures swing with the temperature, all four together: nothing to say', () => {
    expect(replay(month(30)).alerts).toEqual([]);
  });

  it('a slow puncture is told once as it starts to show against the other three, and once more when the tyre is low', () => {
    // The rear left loses 0.08 bar a day from day 3 on.
    const readings = month(20, (w, day) => (w === 'rl' && day > 3 ? (day - 3) * 0.08 : 0));
    const { alerts } = replay(readings);
    expect(alerts.map((a) => [a.kind, a.wheel])).toEqual([
      ['tyre_pressure_dropping', 'rl'],
      ['tyre_low', 'rl'],
    ]);
    const [dropping, low] = alerts;
    // Dropping: at the first reading whose offset fell 0.2 bar below the usual one (0.2 / 0.08 = 2.5 days in).
    const firstDrop = readings.find((r) => (r.at - T0) / (24 * HOUR) - 3 >= 0.2 / 0.08);
    expect(dropping!.readingAt).toBe(firstDrop!.at);
    // Low: at the very first reading below 85 % of the recommended 2.9 bar, not a reading later.
    const firstLow = readings.find((r) => r.pressureBar.rl! < 2.9 * 0.85);
    expect(low!.readingAt).toBe(firstLow!.at);
    expect(low).toMatchObject({ limitBar: 2.465, byCar: false });
  });

  it('the car’s own warning is a low tyre whatever the figure; pumped up again, a later loss is a new episode', () => {
    const readings = month(12);
    readings[20] = { ...readings[20]!, carWarns: ['fr'] };
    readings[30] = { ...readings[30]!, pressureBar: { ...readings[30]!.pressureBar, fr: 2.1 } };
    const { alerts } = replay(readings);
    expect(alerts.map((a) => [a.kind, a.wheel, a.readingAt])).toEqual([
      ['tyre_low', 'fr', readings[20].at],
      ['tyre_low', 'fr', readings[30].at],
    ]);
    expect(alerts[0]).toMatchObject({ byCar: true });
  });

  it('a reading without all four pressures (sensors asleep) changes nothing', () => {
    const [first] = month(1);
    const partial = { ...first!, pressureBar: { ...first!.pressureBar, rr: null } };
    expect(watchTyres(NEW_TYRE_WATCH, partial)).toEqual({ alerts: [], watch: NEW_TYRE_WATCH });
  });
});
