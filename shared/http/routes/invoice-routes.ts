import { fetchChargingInvoice } from '../../domain/supercharger/charging-invoice';
import { ApiError } from '../api-error';
import type { ApiDeps } from '../api-deps';
import { teslaRecordOf } from '../charge-pricing';
import { requireRecordId, requireVin } from '../request-input';
import { document } from '../responses';
import type { Route } from '../router';

/** Tesla's invoice ids as its charging history gives them (UUID-like); anything else is refused before a lookup. */
const INVOICE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The invoices of Supercharger sessions, fetched from Tesla when asked (each fetch is a counted request). */
export function invoiceRoutes(deps: ApiDeps): Route[] {
  return [getInvoiceRoute(deps)];
}

/** GET /vehicles/{vin}/charges/{id}/invoices/{invoiceId} */
function getInvoiceRoute(deps: ApiDeps): Route {
  return {
    method: 'GET',
    path: '/vehicles/{vin}/charges/{id}/invoices/{invoiceId}',
    handle: async ({ params }) => {
      const vin = requireVin(params.vin);
      const id = requireRecordId(params.id, 'charge');
      const invoiceId = params.invoiceId ?? '';
      if (!INVOICE_ID.test(invoiceId)) throw new ApiError(400, 'invalid_invoice_id', 'an invoice id is one the session’s `tesla.invoiceIds` lists');
      const session = await deps.history.getCharge(vin, id);
      if (session === null) throw new ApiError(404, 'charge_not_found', `no charging session ${id} for ${vin}`);
      const record = await teslaRecordOf(deps, vin, session);
      const outcome = await fetchChargingInvoice(deps, vin, record, invoiceId, deps.clock.now());
      if (outcome.kind === 'not-listed') {
        throw new ApiError(
          404,
          'invoice_not_found',
          record === null ? `session ${id} has no Supercharger bill from Tesla (yet)` : `Tesla's bill for session ${id} lists no invoice ${invoiceId}`,
        );
      }
      return document(outcome.pdf, 'application/pdf', `tesla-invoice-${invoiceId}.pdf`);
    },
  };
}
