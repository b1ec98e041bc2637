import { describe, expect, it } from '@jest/globals';
import type { ChargingSession } from '../../../../shared/domain/history/history-records';
import { monthCosts, type CostedSession } from '../../../../shared/domain/places/month-costs';

const at = (iso: string) => Date.parse(iso);
function costed(
  start: string,
  kwh: number,
  kind: ChargingSession['kind'],
  cost: number | null,
  currency: string | null,
  place: CostedSession['place'],
  estimated = false,
): CostedSession {
  const s = at(start);
  const session = {
    vin: 'V',
    id: start,
    startedAfter: s - 60_000,
    start: { at: s, batteryLevel: 40 },
    lastChargingAt: s + 3_600_000,
    endBy: s + 3_660_000,
    end: { at: s + 3_660_000, batteryLevel: 80 },
    energyAddedKwh: kwh,
    peakPowerKw: 11,
    kind,
    location: null,
    durationMs: 3_720_000,
    readings: 10,
  } satisfies ChargingSession;
  return { session, cost, currency, estimated, place };
}

const HOME = { name: 'Home', kind: 'home' as const };
const GYM = { name: 'Gym', kind: 'public' as const };

describe('the month’s cost of driving', () => {
  it('sorts energy into home AC, public AC and DC, and by place, counting sessions by their start (UTC month)', () => {
    const c = monthCosts(
      '2026-06',
      [
        costed('2026-06-01T20:00:00Z', 30, 'ac', 9.75, 'EUR', HOME, true),
        costed('2026-06-03T10:00:00Z', 10, 'ac', 5, 'EUR', GYM),
        costed('2026-06-05T10:00:00Z', 40, 'dc', 19.2, 'EUR', null),
        costed('2026-07-01T10:00:00Z', 99, 'ac', 1, 'EUR', HOME),
      ],
      400,
    );
    expect(c.energyKwhByKind).toEqual({ homeAc: 30, publicAc: 10, dc: 40 });
    expect(c.energyKwhByPlace).toEqual([
      { place: null, kwh: 40 },
      { place: 'Home', kwh: 30 },
      { place: 'Gym', kwh: 10 },
    ]);
    expect(c.costByCurrency).toEqual({ EUR: 33.95 });
    expect(c.estimated).toBe(true);
    expect(c.costPer100Mi).toBeCloseTo((33.95 / 400) * 100, 2);
    expect(c.costPer100Km).toBeCloseTo((33.95 / (400 * 1.609344)) * 100, 2);
    expect(c.chargingLossKwh).toBeNull(); // no session's draw is known: no figure, rather than a 0 that looks measured
    expect(c.sessionsWithLoss).toBe(0);
  });

  it('adds up the losses of the sessions whose draw the readings told, and says how many those were', () => {
    const metered = (start: string, added: number, used: number) => {
      const c = costed(start, added, 'ac', null, null, HOME);
      return { ...c, session: { ...c.session, energyUsedKwh: used } };
    };
    const c = monthCosts(
      '2026-06',
      [metered('2026-06-01T20:00:00Z', 30, 33.5), metered('2026-06-02T20:00:00Z', 10, 11.2), costed('2026-06-03T20:00:00Z', 20, 'ac', null, null, HOME)],
      100,
    );
    expect(c.chargingLossKwh).toBeCloseTo(4.7, 6);
    expect(c.sessionsWithLoss).toBe(2);
  });

  it('gives no cost per distance when the money is in two currencies or a session has no cost: a wrong number is worse than none', () => {
    const twoCurrencies = monthCosts(
      '2026-06',
      [costed('2026-06-01T20:00:00Z', 30, 'ac', 9, 'EUR', HOME), costed('2026-06-05T10:00:00Z', 40, 'dc', 19, 'USD', null)],
      400,
    );
    expect(twoCurrencies.costByCurrency).toEqual({ EUR: 9, USD: 19 });
    expect(twoCurrencies.costPer100Mi).toBeNull();
    const unknown = monthCosts(
      '2026-06',
      [costed('2026-06-01T20:00:00Z', 30, 'ac', 9, null, HOME), costed('2026-06-05T10:00:00Z', 40, 'ac', null, null, null)],
      400,
    );
    expect(unknown).toMatchObject({ costByCurrency: { owner: 9 }, sessionsWithoutCost: 1, costPer100Mi: null });
  });
});
