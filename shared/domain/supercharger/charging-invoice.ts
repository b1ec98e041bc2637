import { recordUsage } from '../commands/command-audit';
import type { FleetApi } from '../fleet-api';
import { withFleetCallContext } from '../fleet-call-context';
import { meteredFleetApi, RequestMeter } from '../request-meter';
import type { Log, UsageLedger } from '../stores';
import type { TeslaChargingRecord } from './tesla-charging-record';

/** An invoice is fetched within this, retries included; API Gateway gives up on the caller at 30 s. */
export const INVOICE_DEADLINE_MS = 20_000;

export interface InvoiceDeps {
  fleet: FleetApi;
  usage: UsageLedger;
  log: Log;
}

export type InvoiceOutcome = { kind: 'invoice'; pdf: Uint8Array } | { kind: 'not-listed' };

/**
 * Tesla's invoice PDF for a Supercharger session, fetched when the owner asks (never stored: Tesla keeps it). Only an
 * invoice that Tesla's record of the session lists is asked for, so an id typed by a caller never reaches Tesla. The
 * request, and any the client repeated (after a token renewal or a region move), go into the usage ledger.
 * Tesla's refusals and unreadable answers are thrown as FleetApiErrors.
 */
export async function fetchChargingInvoice(
  deps: InvoiceDeps,
  vin: string,
  record: TeslaChargingRecord | null,
  invoiceId: string,
  now: number,
): Promise<InvoiceOutcome> {
  if (record === null || !record.invoiceIds.includes(invoiceId)) return { kind: 'not-listed' };
  const meter = new RequestMeter();
  const fleet = meteredFleetApi(deps.fleet, meter);
  try {
    const context = { deadline: Date.now() + INVOICE_DEADLINE_MS, onRetriedAnswer: meter.record.bind(meter) };
    const pdf = await withFleetCallContext(context, () => fleet.chargingInvoice(vin, invoiceId));
    return { kind: 'invoice', pdf };
  } finally {
    await recordUsage(deps, meter, now);
  }
}
