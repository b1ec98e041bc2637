import type { ChargingHistoryPage } from '../domain/fleet-api';
import { UnreadableAnswerError } from '../domain/fleet-errors';
import type { TeslaChargingFee, TeslaChargingRecord } from '../domain/supercharger/tesla-charging-record';

/** Rows asked for per page of Tesla's charging history. */
export const CHARGING_HISTORY_PAGE_SIZE = 50;

/** The path of one page of a car's charging history over a range (Tesla's `/dx/charging/history`). */
export function chargingHistoryPath(vin: string, range: { fromMs: number; toMs: number }, page: number): string {
  const query = new URLSearchParams({
    vin,
    startTime: new Date(range.fromMs).toISOString(),
    endTime: new Date(range.toMs).toISOString(),
    pageNo: String(page),
    pageSize: String(CHARGING_HISTORY_PAGE_SIZE),
    sortBy: 'chargeStartDateTime',
    sortOrder: 'ASC',
  });
  return `/api/1/dx/charging/history?${query.toString()}`;
}

/**
 * Reads one page. The rows are in `response.data`; an answer without that list is unreadable (an error, never "no
 * sessions"). A row without a session id, a start time, or fees that are numbers in a currency is not stored:
 * a bill half read is worse than none. Such rows are counted, so the caller can say so.
 */
export function parseChargingHistory(body: unknown, vin: string): ChargingHistoryPage {
  const response = (body as { response?: unknown }).response;
  const rows = Array.isArray(response) ? response : (response as { data?: unknown } | null | undefined)?.data;
  if (!Array.isArray(rows)) throw new UnreadableAnswerError('charging history answer without a list of sessions', 200);
  const records = rows.map((row) => recordOf(row, vin));
  const readable = records.filter((r): r is TeslaChargingRecord => r !== null);
  return { records: readable, unreadable: records.length - readable.length, more: rows.length >= CHARGING_HISTORY_PAGE_SIZE };
}

function recordOf(row: unknown, vin: string): TeslaChargingRecord | null {
  if (typeof row !== 'object' || row === null) return null;
  const r = row as Record<string, unknown>;
  const sessionId = typeof r.sessionId === 'number' || (typeof r.sessionId === 'string' && r.sessionId !== '') ? String(r.sessionId) : null;
  const startAt = instant(r.chargeStartDateTime);
  if (sessionId === null || startAt === null) return null;
  if (typeof r.vin === 'string' && r.vin !== vin) return null;
  const fees = Array.isArray(r.fees) ? r.fees.map(feeOf) : [];
  if (fees.some((f) => f === null)) return null;
  const invoices = Array.isArray(r.invoices) ? r.invoices : [];
  return {
    sessionId,
    vin,
    site: typeof r.siteLocationName === 'string' ? r.siteLocationName : null,
    startAt,
    stopAt: instant(r.chargeStopDateTime),
    unlatchAt: instant(r.unlatchDateTime),
    fees: fees as TeslaChargingFee[],
    invoiceIds: invoices.map((i) => (i as { contentId?: unknown } | null)?.contentId).filter((id): id is string => typeof id === 'string' && id !== ''),
  };
}

function feeOf(fee: unknown): TeslaChargingFee | null {
  if (typeof fee !== 'object' || fee === null) return null;
  const f = fee as Record<string, unknown>;
  const amount = f.totalDue;
  const currency = f.currencyCode;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return null;
  const type = f.feeType === 'CHARGING' ? 'charging' : f.feeType === 'PARKING' ? 'parking' : 'other';
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return { type, amount, currency, usage: num(f.usageBase), rate: num(f.rateBase), unit: typeof f.uom === 'string' ? f.uom : null };
}

function instant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}
