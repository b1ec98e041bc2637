import { ratesAt, type Tariff } from './tariff';

/** The energy a session took by a time: the car's own count (`charge_energy_added`) at its readings. */
export interface EnergyPoint {
  at: number;
  kwh: number;
}

export interface SessionCost {
  currency: string;
  total: number;
  energyKwh: number;
  /** Money by period (null: the base rates), energy and charging minutes included. */
  byPeriod: Array<{ period: string | null; kwh: number; minutes: number; amount: number }>;
}

const MINUTE_MS = 60_000;
const cents = (n: number): number => Math.round(n * 100) / 100;

/**
 * A session's cost at a place's tariff: its energy between each two readings, spread evenly over the time between
 * them (the car's count says no more), priced minute by minute at the rates then in force; the charging time at
 * the per-minute rate then in force; and the session fee. Minutes are whole wall-clock minutes, so a period that
 * starts at 23:00 starts exactly there.
 */
export function sessionCost(tariff: Tariff, points: readonly EnergyPoint[], charging: { from: number; to: number }): SessionCost {
  const byPeriod = new Map<string | null, { kwh: number; minutes: number; amount: number }>();
  const add = (period: string | null, kwh: number, minutes: number, amount: number): void => {
    const row = byPeriod.get(period) ?? { kwh: 0, minutes: 0, amount: 0 };
    byPeriod.set(period, { kwh: row.kwh + kwh, minutes: row.minutes + minutes, amount: row.amount + amount });
  };
  const sorted = [...points].sort((a, b) => a.at - b.at);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    const kwh = Math.max(0, b.kwh - a.kwh);
    if (kwh === 0) continue;
    if (b.at <= a.at) {
      const rates = ratesAt(tariff, b.at);
      add(rates.period, kwh, 0, kwh * rates.perKwh);
      continue;
    }
    for (const slice of minuteSlices(a.at, b.at)) {
      const share = (kwh * (slice.to - slice.from)) / (b.at - a.at);
      const rates = ratesAt(tariff, slice.from);
      add(rates.period, share, 0, share * rates.perKwh);
    }
  }
  for (const slice of minuteSlices(charging.from, charging.to)) {
    const rates = ratesAt(tariff, slice.from);
    const minutes = (slice.to - slice.from) / MINUTE_MS;
    add(rates.period, 0, minutes, minutes * rates.perMinute);
  }
  const rows = [...byPeriod].map(([period, r]) => ({ period, kwh: Math.round(r.kwh * 1000) / 1000, minutes: Math.round(r.minutes), amount: cents(r.amount) }));
  const energy = rows.reduce((n, r) => n + r.kwh, 0);
  const total = [...byPeriod.values()].reduce((n, r) => n + r.amount, 0) + tariff.sessionFee;
  return { currency: tariff.currency, total: cents(total), energyKwh: Math.round(energy * 1000) / 1000, byPeriod: rows };
}

/** [from, to) cut at every whole minute. */
function* minuteSlices(from: number, to: number): Generator<{ from: number; to: number }> {
  for (let t = from; t < to;) {
    const next = Math.min(to, (Math.floor(t / MINUTE_MS) + 1) * MINUTE_MS);
    yield { from: t, to: next };
    t = next;
  }
}
