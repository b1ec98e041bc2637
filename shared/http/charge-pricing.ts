import type { ChargingSession } from '../domain/history/history-records';
import { matchSessions } from '../domain/supercharger/match-sessions';
import { billOf, type TeslaChargingRecord } from '../domain/supercharger/tesla-charging-record';
import { mapWithConcurrency } from '../domain/concurrency';
import { placeAt, type Place } from '../domain/places/place';
import { sessionCost, type SessionCost } from '../domain/places/session-cost';
import { energyPoints, chargingInterval } from '../domain/places/session-energy';
import type { Tariff } from '../domain/places/tariff';
import type { ApiDeps } from './api-deps';

/**
 * A session's cost, and where it came from: the one the owner set; else the one an imported session came with; else
 * Tesla's bill (a Supercharger session matched to Tesla's charging history, in Tesla's currency); else its place's
 * tariff (an estimate: the energy between two readings is spread over the time between them); else its kWh at the
 * configured price; else unknown.
 */
export type PricedSession = ChargingSession & {
  cost: number | null;
  costSource: 'set' | 'imported' | 'tesla' | 'tariff' | 'price' | null;
  /**
   * The currency of a cost from Tesla's bill, a place's tariff, or an import told its currency; null for the others
   * (the owner's own currency).
   */
  currency: string | null;
  tesla: TeslaChargingRecord | null;
  /** The place it was at (by its location, or chosen by hand), if any. */
  place: { id: string; name: string; kind: Place['kind']; chosen: boolean } | null;
  /** The tariff's cost by period, when the cost is the tariff's. */
  tariffCost: SessionCost | null;
  /**
   * The kWh a tariff's or the configured price applied to: `used`, what the car drew from the charger (what a meter
   * counts), when the readings tell it; else `added`, the car's count, which leaves the charging losses out. Null
   * for the other costs.
   */
  costBasis: 'used' | 'added' | null;
};

/**
 * What pricing a session needs to know beyond the session: the owner's cost, Tesla's record, its place, and its
 * tariff's cost, worked out only when asked (it reads the session's readings), that is only where it is the cost shown.
 */
export interface PricingContext {
  costs: ReadonlyMap<string, number>;
  pricePerKwh: number | null | undefined;
  tesla: TeslaChargingRecord | null;
  place: { place: Place; chosen: boolean } | null;
  tariffCost: () => Promise<SessionCost | null>;
}

const DAY_MS = 86_400_000;

export async function priced(c: ChargingSession, ctx: PricingContext): Promise<PricedSession> {
  const { tesla } = ctx;
  const place = ctx.place ? { id: ctx.place.place.id, name: ctx.place.place.name, kind: ctx.place.place.kind ?? 'public', chosen: ctx.place.chosen } : null;
  const base = { tesla, place, tariffCost: null, currency: null, costBasis: null };
  const costBasis = c.energyUsedKwh !== undefined ? ('used' as const) : ('added' as const);
  const set = ctx.costs.get(c.id);
  if (set !== undefined) return { ...c, ...base, cost: set, costSource: 'set' };
  // What the owner's previous logger kept for it (typed there, or its geofence's price then): theirs, like a set cost.
  if (c.imported?.cost != null) return { ...c, ...base, cost: c.imported.cost, costSource: 'imported', currency: c.imported.currency ?? null };
  const bill = tesla ? billOf(tesla) : null;
  if (bill !== null && bill.total !== null) return { ...c, ...base, cost: bill.total, costSource: 'tesla', currency: bill.currency };
  const tariffCost = await ctx.tariffCost();
  if (tariffCost !== null) return { ...c, ...base, cost: tariffCost.total, costSource: 'tariff', currency: tariffCost.currency, tariffCost, costBasis };
  if (ctx.pricePerKwh != null && c.energyAddedKwh !== null) {
    const kwh = c.energyUsedKwh ?? c.energyAddedKwh;
    return { ...c, ...base, cost: Math.round(kwh * ctx.pricePerKwh * 100) / 100, costSource: 'price', costBasis };
  }
  return { ...c, ...base, cost: null, costSource: null };
}

/** Prices sessions with the owner's costs, Tesla's records around them, their places' tariffs and the configured price. */
export async function priceSessions(deps: ApiDeps, vin: string, sessions: readonly ChargingSession[]): Promise<PricedSession[]> {
  const dc = sessions.filter((s) => s.kind !== 'ac');
  const [costs, records, places, chosen] = await Promise.all([
    deps.history.chargeCosts(vin),
    deps.billing && dc.length > 0
      ? deps.billing.teslaChargesBetween(vin, Math.min(...dc.map((s) => s.startedAfter)) - DAY_MS, Math.max(...dc.map((s) => s.endBy)) + DAY_MS)
      : Promise.resolve([]),
    deps.places ? deps.places.listPlaces() : Promise.resolve([]),
    deps.places ? deps.places.chargePlaces(vin) : Promise.resolve(new Map<string, string>()),
  ]);
  const matched = matchSessions(sessions, records);
  return mapWithConcurrency(sessions, 8, async (s) => {
    const byHand = chosen.get(s.id);
    const handPlace = byHand === undefined ? null : (places.find((p) => p.id === byHand) ?? null);
    const located = handPlace ? { place: handPlace, chosen: true } : placeOf(places, s);
    const tariff = located?.place.tariff ?? null;
    const tariffCost = () => (tariff ? tariffCostOf(deps, vin, s, tariff) : Promise.resolve(null));
    return priced(s, { costs, pricePerKwh: deps.pricePerKwh, tesla: matched.get(s.id) ?? null, place: located, tariffCost });
  });
}

/**
 * Tesla's record paired with one session, paired as its page would pair it: among the sessions around it, so a record
 * that belongs to a neighbour is not taken for this one's.
 */
export async function teslaRecordOf(deps: ApiDeps, vin: string, session: ChargingSession): Promise<TeslaChargingRecord | null> {
  if (!deps.billing || session.kind === 'ac') return null;
  const around = { fromMs: session.startedAfter - DAY_MS, toMs: session.endBy + DAY_MS };
  const [neighbours, records] = await Promise.all([
    deps.history.listCharges(vin, { ...around, limit: 100 }),
    deps.billing.teslaChargesBetween(vin, around.fromMs - DAY_MS, around.toMs + DAY_MS),
  ]);
  const sessions = neighbours.items.some((s) => s.id === session.id) ? neighbours.items : [...neighbours.items, session];
  return matchSessions(sessions, records).get(session.id) ?? null;
}

function placeOf(places: readonly Place[], s: ChargingSession): { place: Place; chosen: boolean } | null {
  const place = placeAt(places, s.location);
  return place ? { place, chosen: false } : null;
}

async function tariffCostOf(deps: ApiDeps, vin: string, s: ChargingSession, tariff: Tariff): Promise<SessionCost> {
  const readings = await deps.snapshots.snapshotsBetween(vin, { fromMs: s.startedAfter, toMs: s.endBy, limit: 1000 });
  return sessionCost(tariff, energyPoints(s, readings.items), chargingInterval(s, readings.items));
}
