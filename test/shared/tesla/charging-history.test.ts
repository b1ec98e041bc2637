import { describe, expect, it } from '@jest/globals';
import { UnreadableAnswerError } from '../../../shared/domain/fleet-errors';
import { chargingHistoryPath, parseChargingHistory } from '../../../shared/tesla/charging-history';

const VIN = '5YJ3E7EB0SF000001';

/** A row in the shape of Tesla's charging history (field names from the reference). */
const row = (over: Record<string, unknown> = {}) => ({
  sessionId: 1234567,
  vin: VIN,
  siteLocationName: 'Gilroy, CA',
  chargeStartDateTime: '2026-06-10T12:03:00Z',
  chargeStopDateTime: '2026-06-10T12:41:00Z',
  unlatchDateTime: '2026-06-10T12:49:00Z',
  countryCode: 'US',
  fees: [
    {
      sessionFeeId: 1,
      feeType: 'CHARGING',
      currencyCode: 'USD',
      pricingType: 'PAYMENT',
      usageBase: 41.2,
      rateBase: 0.48,
      totalDue: 19.78,
      uom: 'kwh',
      isPaid: true,
    },
    { sessionFeeId: 2, feeType: 'PARKING', currencyCode: 'USD', pricingType: 'PAYMENT', usageBase: 3, rateBase: 0.5, totalDue: 1.5, uom: 'min', isPaid: true },
  ],
  invoices: [{ fileName: 'a.pdf', contentId: 'abc-123', invoiceType: 'IMMEDIATE' }],
  ...over,
});

describe('Tesla’s charging history', () => {
  it('reads sessions with their fees and invoices', () => {
    const page = parseChargingHistory({ response: { data: [row()] } }, VIN);
    expect(page.unreadable).toBe(0);
    expect(page.more).toBe(false);
    expect(page.records[0]).toEqual({
      sessionId: '1234567',
      vin: VIN,
      site: 'Gilroy, CA',
      startAt: Date.parse('2026-06-10T12:03:00Z'),
      stopAt: Date.parse('2026-06-10T12:41:00Z'),
      unlatchAt: Date.parse('2026-06-10T12:49:00Z'),
      fees: [
        { type: 'charging', amount: 19.78, currency: 'USD', usage: 41.2, rate: 0.48, unit: 'kwh' },
        { type: 'parking', amount: 1.5, currency: 'USD', usage: 3, rate: 0.5, unit: 'min' },
      ],
      invoiceIds: ['abc-123'],
    });
  });

  it('skips and counts rows it cannot read in full: no session id, no start, a fee that is not a number, another car', () => {
    const bad = [
      row({ sessionId: undefined }),
      row({ chargeStartDateTime: 'yesterday' }),
      row({ fees: [{ feeType: 'CHARGING', currencyCode: 'USD', totalDue: '19.78' }] }),
      row({ fees: [{ feeType: 'CHARGING', currencyCode: 'dollars', totalDue: 19.78 }] }),
      row({ vin: '5YJ3E7EB0SF000002' }),
    ];
    const page = parseChargingHistory({ response: { data: [...bad, row()] } }, VIN);
    expect(page.records).toHaveLength(1);
    expect(page.unreadable).toBe(5);
  });

  it('refuses an answer without a list of sessions: it is not "no sessions"', () => {
    expect(() => parseChargingHistory({ response: null }, VIN)).toThrow(UnreadableAnswerError);
    expect(() => parseChargingHistory({ error: 'x' }, VIN)).toThrow(UnreadableAnswerError);
  });

  it('asks for a page of a range, oldest first', () => {
    const path = chargingHistoryPath(VIN, { fromMs: Date.parse('2026-06-01T00:00:00Z'), toMs: Date.parse('2026-06-10T00:00:00Z') }, 2);
    const url = new URL(path, 'https://x');
    expect(url.pathname).toBe('/api/1/dx/charging/history');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      vin: VIN,
      startTime: '2026-06-01T00:00:00.000Z',
      pageNo: '2',
      pageSize: '50',
      sortOrder: 'ASC',
    });
  });
});
