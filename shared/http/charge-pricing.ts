import type { ChargingSession } from '../domain/history/history-records';
import { matchSessions } from '../domain/supercharger/match-sessions';
import { billOf, type TeslaChargingRecord } from '../domain/supercharger/tesla-charging-record';
import type { ApiDeps } from './api-deps';

/**
 * A session's cost, and where it came from: the one the owner set; else Tesla's bill (a Supercharger session
 * matched to Tesla's charging history, in Tesla's currency); else its kWh at the configured price; else unknown.
 */
export type PricedSession = ChargingSession & {
  cost: number | null;
  costSource: 'set' | 'tesla' | 'price' | null;
  /** The currency of a cost from Tesla's bill; null for the others (the owner's own currency). */
  currency: string | null;
  tesla: TeslaChargingRecord | null;
};

const DAY_MS = 86_400_000;

export function priced(
  c: ChargingSession,
  costs: ReadonlyMap<string, number>,
  pricePerKwh: number | null | undefined,
  tesla: TeslaChargingRecord | null = null,
): PricedSession {
  const set = costs.get(c.id);
  if (set !== undefined) return { ...c, cost: set, costSource: 'set', currency: null, tesla };
  const bill = tesla ? billOf(tesla) : null;
  if (bill !== null && bill.total !== null) return { ...c, cost: bill.total, costSource: 'tesla', currency: bill.currency, tesla };
  if (pricePerKwh != null && c.energyAddedKwh !== null)
    return { ...c, cost: Math.round(c.energyAddedKwh * pricePerKwh * 100) / 100, costSource: 'price', currency: null, tesla };
  return { ...c, cost: null, costSource: null, currency: null, tesla };
}

/** Prices sessions with the owner's costs, Tesla's records around them, and the configured price. */
export async function priceSessions(deps: ApiDeps, vin: string, sessions: readonly ChargingSession[]): Promise<PricedSession[]> {
  const dc = sessions.filter((s) => s.kind !== 'ac');
  const [costs, records] = await Promise.all([
    deps.history.chargeCosts(vin),
    deps.billing && dc.length > 0
      ? deps.billing.teslaChargesBetween(vin, Math.min(...dc.map((s) => s.startedAfter)) - DAY_MS, Math.max(...dc.map((s) => s.endBy)) + DAY_MS)
      : Promise.resolve([]),
  ]);
  const matched = matchSessions(sessions, records);
  return sessions.map((s) => priced(s, costs, deps.pricePerKwh, matched.get(s.id) ?? null));
}
