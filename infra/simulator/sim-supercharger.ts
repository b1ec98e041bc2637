import type { ChargeSession } from './sim-car-types';
import { envelopeError, type Reply } from './sim-oauth-routes';
import { invoicePdf } from './sim-invoice-pdf';

/**
 * What the simulated Superchargers bill, in Tesla's charging-history shape (see the reference): every DC session
 * that has ended, at a site price per kWh, plus an idle fee per minute the car stayed plugged in after charging
 * (beyond a grace period). Round, known figures, so a benchmark can hold the matched costs to them.
 */
export const SIM_SUPERCHARGER = { pricePerKwh: 0.48, idleFeePerMinute: 0.5, idleGraceMinutes: 5, currency: 'USD', site: 'Fremont, CA - Sim Supercharger' };

const cents = (n: number): number => Math.round(n * 100) / 100;

/** The fees of one ended DC session: charging, and idle (parking) minutes beyond the grace period. */
export function simSuperchargerFees(session: ChargeSession): { charging: number; idle: number; idleMinutes: number } {
  const idleMinutes = Math.max(0, Math.floor(((session.endAt ?? session.chargedUntil) - session.chargedUntil) / 60_000) - SIM_SUPERCHARGER.idleGraceMinutes);
  return { charging: cents(session.energyKwh * SIM_SUPERCHARGER.pricePerKwh), idle: cents(idleMinutes * SIM_SUPERCHARGER.idleFeePerMinute), idleMinutes };
}

/** One car's ended DC sessions that started in [from, to], as rows of `GET /api/1/dx/charging/history`. */
export function chargingHistoryRows(vin: string, sessions: readonly ChargeSession[], from: number, to: number): Array<Record<string, unknown>> {
  return sessions
    .map((session, index) => ({ session, index }))
    .filter(({ session }) => session.dc && session.endAt !== null && session.startAt >= from && session.startAt <= to)
    .map(({ session, index }) => {
      const fees = simSuperchargerFees(session);
      const fee = (feeType: string, usage: number, rate: number, totalDue: number, uom: string) => ({
        sessionFeeId: index * 10 + (feeType === 'CHARGING' ? 1 : 2),
        feeType,
        currencyCode: SIM_SUPERCHARGER.currency,
        pricingType: 'PAYMENT',
        usageBase: usage,
        rateBase: rate,
        totalBase: totalDue,
        totalDue,
        netDue: totalDue,
        uom,
        isPaid: true,
        status: 'PAID',
      });
      return {
        sessionId: 900_000 + index,
        vin,
        siteLocationName: SIM_SUPERCHARGER.site,
        chargeStartDateTime: new Date(session.startAt).toISOString(),
        chargeStopDateTime: new Date(session.chargedUntil).toISOString(),
        unlatchDateTime: new Date(session.endAt!).toISOString(),
        countryCode: 'US',
        billingType: 'IMMEDIATE',
        vehicleMakeType: 'TSLA',
        fees: [
          fee('CHARGING', Math.round(session.energyKwh * 100) / 100, SIM_SUPERCHARGER.pricePerKwh, fees.charging, 'kwh'),
          ...(fees.idleMinutes > 0 ? [fee('PARKING', fees.idleMinutes, SIM_SUPERCHARGER.idleFeePerMinute, fees.idle, 'min')] : []),
        ],
        invoices: [{ fileName: `invoice-${900_000 + index}.pdf`, contentId: invoiceIdOf(vin, index), invoiceType: 'IMMEDIATE' }],
      };
    });
}

/** The reply to `GET /api/1/dx/charging/history?vin=&startTime=&endTime=&pageNo=&pageSize=` (pages count from 1). */
export function chargingHistoryReply(vin: string, sessions: readonly ChargeSession[], url: URL): Reply {
  const q = url.searchParams;
  const from = Date.parse(q.get('startTime') ?? '');
  const to = Date.parse(q.get('endTime') ?? '');
  const page = Number(q.get('pageNo') ?? '1');
  const size = Number(q.get('pageSize') ?? '25');
  if (!Number.isFinite(from) || !Number.isFinite(to) || !Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 100) {
    return { status: 400, body: envelopeError('invalid startTime, endTime, pageNo or pageSize'), category: 'history', vin };
  }
  const rows = chargingHistoryRows(vin, sessions, from, to);
  return { status: 200, body: { response: { data: rows.slice((page - 1) * size, page * size), totalResults: rows.length } }, category: 'history', vin };
}

/** The invoice id of a car's session: the VIN is in it, as Tesla's ids are the account's, not a car's. */
function invoiceIdOf(vin: string, index: number): string {
  return `sim-invoice-${vin}-${900_000 + index}`;
}

/** The session an invoice id names, if one of the car's ended DC sessions. */
export function invoicedSession(vin: string, sessions: readonly ChargeSession[], invoiceId: string): { session: ChargeSession; index: number } | null {
  const index = sessions.findIndex((s, i) => s.dc && s.endAt !== null && invoiceIdOf(vin, i) === invoiceId);
  return index < 0 ? null : { session: sessions[index]!, index };
}

/** The PDF of `GET /api/1/dx/charging/invoice/{id}`: the site, the times and the fees, as on the charging history. */
export function invoiceReply(vin: string, session: ChargeSession, index: number): Reply {
  const fees = simSuperchargerFees(session);
  const pdf = invoicePdf([
    'Tesla Supercharging invoice (simulated)',
    SIM_SUPERCHARGER.site,
    `Session ${900_000 + index}, VIN ${vin}`,
    `${new Date(session.startAt).toISOString()} to ${new Date(session.chargedUntil).toISOString()}`,
    `Charging: ${session.energyKwh.toFixed(2)} kWh x ${SIM_SUPERCHARGER.pricePerKwh} = ${SIM_SUPERCHARGER.currency} ${fees.charging.toFixed(2)}`,
    `Idle fee: ${fees.idleMinutes} min = ${SIM_SUPERCHARGER.currency} ${fees.idle.toFixed(2)}`,
    `Total: ${SIM_SUPERCHARGER.currency} ${(fees.charging + fees.idle).toFixed(2)}`,
  ]);
  return { status: 200, body: pdf, headers: { 'content-type': 'application/pdf' }, category: 'history', vin };
}
