import { allPagesOf } from '../domain/history/history-page';
import { monthRange, type MonthTotals } from '../domain/history/monthly-totals';
import { monthCosts, type MonthCosts } from '../domain/places/month-costs';
import type { ApiDeps } from './api-deps';
import { priceSessions } from './charge-pricing';

/** The months' cost of driving: every session of the range priced as the charge list prices it, then summed. */
export async function costsOfMonths(deps: ApiDeps, vin: string, months: readonly MonthTotals[], from: string, to: string): Promise<Map<string, MonthCosts>> {
  const range = { fromMs: monthRange(from).fromMs, toMs: monthRange(to).toMs };
  const sessions = await allPagesOf((cursor) => deps.history.listCharges(vin, { ...range, limit: 500, cursor }));
  const priced = await priceSessions(deps, vin, sessions);
  const costed = priced.map((p) => ({
    session: p,
    cost: p.cost,
    currency: p.currency,
    estimated: p.costSource === 'tariff' || p.costSource === 'price',
    place: p.place ? { name: p.place.name, kind: p.place.kind } : null,
  }));
  return new Map(months.map((m) => [m.month, monthCosts(m.month, costed, m.distanceMi)]));
}

/** A month's costs as CSV columns: the money as "EUR 12.30; USD 4.00", per 100 mi/km when in one currency. */
export function monthCostColumns(c: MonthCosts | undefined) {
  return {
    homeAcKwh: c?.energyKwhByKind.homeAc ?? 0,
    publicAcKwh: c?.energyKwhByKind.publicAc ?? 0,
    dcKwh: c?.energyKwhByKind.dc ?? 0,
    cost: c
      ? Object.entries(c.costByCurrency)
          .map(([currency, amount]) => `${currency === 'owner' ? '' : `${currency} `}${amount.toFixed(2)}`)
          .join('; ')
      : '',
    costEstimated: c?.estimated ?? false,
    costPer100Mi: c?.costPer100Mi ?? null,
    costPer100Km: c?.costPer100Km ?? null,
  };
}
