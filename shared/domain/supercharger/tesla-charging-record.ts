/**
 * Tesla's own record of a Supercharger session, as its charging history (`GET /api/1/dx/charging/history`) gives
 * it: where, when, and what Tesla billed (charging, and parking or idle fees), with the invoices. Kept as Tesla
 * said it, apart from the derived sessions, and matched to them by time when shown (so re-deriving keeps it).
 */
export interface TeslaChargingFee {
  /** CHARGING, PARKING (idle or congestion fees), or another kind Tesla names. */
  type: 'charging' | 'parking' | 'other';
  /** What is due, in `currency`. */
  amount: number;
  /** ISO 4217, as Tesla gives it. */
  currency: string;
  /** What was billed: kWh or minutes (`unit`), when Tesla says. */
  usage: number | null;
  rate: number | null;
  unit: string | null;
}

export interface TeslaChargingRecord {
  /** Tesla's session id. */
  sessionId: string;
  vin: string;
  site: string | null;
  startAt: number;
  stopAt: number | null;
  /** When the cable was released: the end of any idle time. */
  unlatchAt: number | null;
  fees: TeslaChargingFee[];
  /** Ids of the invoice PDFs (`GET /api/1/dx/charging/invoice/{id}`). */
  invoiceIds: string[];
}

/** What a session cost, from Tesla's fees; `total` is null when they are in more than one currency. */
export interface TeslaBill {
  currency: string | null;
  charging: number;
  parking: number;
  total: number | null;
}

const cents = (n: number): number => Math.round(n * 100) / 100;

export function billOf(record: TeslaChargingRecord): TeslaBill {
  const currencies = new Set(record.fees.map((f) => f.currency));
  const sum = (type: TeslaChargingFee['type']): number => cents(record.fees.filter((f) => f.type === type).reduce((n, f) => n + f.amount, 0));
  const currency = currencies.size === 1 ? [...currencies][0]! : null;
  const total = cents(record.fees.reduce((n, f) => n + f.amount, 0));
  return { currency: currencies.size === 0 ? null : currency, charging: sum('charging'), parking: sum('parking'), total: currencies.size > 1 ? null : total };
}
