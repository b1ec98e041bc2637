import type { ChargingSession } from '../history/history-records';
import { monthOf } from '../history/monthly-totals';

/** What a session brought into the month's cost of driving, once priced (see the API's charge pricing). */
export interface CostedSession {
  session: ChargingSession;
  /** The cost shown for it, or null when unknown. */
  cost: number | null;
  /** Its currency; null is the owner's own (a cost set by hand, or PRICE_PER_KWH). */
  currency: string | null;
  /** The cost is an estimate (a tariff's spread between readings, or the configured price). */
  estimated: boolean;
  place: { name: string; kind: 'home' | 'work' | 'public' } | null;
}

export type ChargeKind = 'homeAc' | 'publicAc' | 'dc';

export interface MonthCosts {
  month: string;
  /** kWh the car counted in, by kind: AC at home, AC anywhere else, DC (Superchargers and other fast chargers). */
  energyKwhByKind: Record<ChargeKind, number>;
  /** kWh by place (null: no named place). */
  energyKwhByPlace: Array<{ place: string | null; kwh: number }>;
  /** Money by currency ("owner": costs in your own currency, set by hand or at PRICE_PER_KWH). */
  costByCurrency: Record<string, number>;
  /** Sessions whose cost is unknown: the money above leaves them out. */
  sessionsWithoutCost: number;
  /** Some of the money is an estimate. */
  estimated: boolean;
  /** Money per 100 mi and km driven, when it is all in one currency and every session has a cost; else null. */
  costPer100Mi: number | null;
  costPer100Km: number | null;
  /**
   * What the car drew from chargers beyond what its battery took, over the month's sessions whose draw the readings
   * told (`sessionsWithLoss` of them; an estimate, see ChargingSession.energyUsedKwh). Null when none did.
   */
  chargingLossKwh: number | null;
  sessionsWithLoss: number;
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** The month's cost of driving: its sessions' energy by kind and place, their money by currency, per distance. */
export function monthCosts(month: string, costed: readonly CostedSession[], distanceMi: number): MonthCosts {
  const inMonth = costed.filter((c) => monthOf(c.session.start.at) === month);
  const byKind: Record<ChargeKind, number> = { homeAc: 0, publicAc: 0, dc: 0 };
  const byPlace = new Map<string | null, number>();
  const money: Record<string, number> = {};
  for (const c of inMonth) {
    const kwh = c.session.energyAddedKwh ?? 0;
    byKind[kindOf(c)] += kwh;
    byPlace.set(c.place?.name ?? null, (byPlace.get(c.place?.name ?? null) ?? 0) + kwh);
    if (c.cost !== null) money[c.currency ?? 'owner'] = (money[c.currency ?? 'owner'] ?? 0) + c.cost;
  }
  const currencies = Object.keys(money);
  const unknown = inMonth.filter((c) => c.cost === null).length;
  const single = currencies.length === 1 && unknown === 0 && distanceMi > 0 ? money[currencies[0]!]! : null;
  return {
    month,
    energyKwhByKind: { homeAc: round(byKind.homeAc), publicAc: round(byKind.publicAc), dc: round(byKind.dc) },
    energyKwhByPlace: [...byPlace].map(([place, kwh]) => ({ place, kwh: round(kwh) })).sort((a, b) => b.kwh - a.kwh),
    costByCurrency: Object.fromEntries(currencies.map((c) => [c, round(money[c]!)])),
    sessionsWithoutCost: unknown,
    estimated: inMonth.some((c) => c.cost !== null && c.estimated),
    costPer100Mi: single === null ? null : round((single / distanceMi) * 100),
    costPer100Km: single === null ? null : round((single / (distanceMi * 1.609344)) * 100),
    ...chargingLoss(inMonth),
  };
}

function chargingLoss(inMonth: readonly CostedSession[]): Pick<MonthCosts, 'chargingLossKwh' | 'sessionsWithLoss'> {
  const metered = inMonth.filter((c) => c.session.energyUsedKwh !== undefined && c.session.energyAddedKwh !== null);
  const loss = metered.reduce((sum, c) => sum + c.session.energyUsedKwh! - c.session.energyAddedKwh!, 0);
  return { chargingLossKwh: metered.length === 0 ? null : round(loss), sessionsWithLoss: metered.length };
}

function kindOf(c: CostedSession): ChargeKind {
  if (c.session.kind === 'dc') return 'dc';
  return c.place?.kind === 'home' ? 'homeAc' : 'publicAc';
}
