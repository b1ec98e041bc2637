import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalHost, type LocalHost } from '../../infra/local/local-host';
import { SimClock } from '../../infra/simulator/sim-clock';
import { simSuperchargerFees } from '../../infra/simulator/sim-supercharger';
import { parseLocalSettings } from '../../shared/config/local-settings';
import { MINUTE_MS } from '../../shared/domain/clock';
import { T0 } from '../support/sim-client';

const VIN = '5YJ3E7EB0SF000077';
let host: LocalHost;
const clock = new SimClock(T0, 0);

async function api(path: string): Promise<Record<string, any>> {
  const res = await fetch(`${host.url}${path}`, { headers: { authorization: `Bearer ${host.apiToken}` } });
  return (await res.json()) as Record<string, any>;
}

beforeAll(async () => {
  const settings = parseLocalSettings({ DATA_DIR: await mkdtemp(join(tmpdir(), 'supercharger-')), PORT: '0', PRICE_PER_KWH: '0.30' }, process.cwd());
  host = await startLocalHost(settings, {
    simulator: {
      clock,
      cars: [
        // An hour on the motorway, a Supercharger stop (left plugged in after it finished: an idle fee), then home.
        {
          vin: VIN,
          id: 7,
          displayName: 'Tripper',
          odometerMi: 8_000,
          batteryLevel: 60,
          anchor: T0,
          profile: {
            periodMinutes: 1440,
            wakeBeforeDriveMinutes: 2,
            segments: [
              { activity: 'drive', startMinute: 5, minutes: 55, speedMph: 65 },
              { activity: 'supercharge', startMinute: 61, minutes: 30, peakKw: 250 },
              { activity: 'drive', startMinute: 92, minutes: 20, speedMph: 40 },
            ],
          },
        },
      ],
    },
    schedule: false,
  });
  // Seven hours, a pass a minute: the bill is looked for in the car’s minute of each hour, once the fees settled (4 h).
  for (let minute = 0; minute < 7 * 60; minute++) {
    await host.collectNow();
    clock.advance(MINUTE_MS);
  }
}, 120_000);
afterAll(() => host.stop());

describe('Supercharger costs from Tesla’s charging history (simulator, dynalite, the local host)', () => {
  it('shows the DC session with Tesla’s bill, idle fee included, in Tesla’s currency, with its invoice', async () => {
    const truth = host.simulator!.car(VIN).truth.chargeSessions.filter((s) => s.dc);
    expect(truth).toHaveLength(1);
    const fees = simSuperchargerFees(truth[0]!);
    expect(fees.idle).toBeGreaterThan(0);
    const { charges } = (await api(`/vehicles/${VIN}/charges?from=2026-03-01&to=2026-03-04`)) as { charges: Array<{ kind: string; cost: number }> };
    const dc = charges.filter((c) => c.kind === 'dc');
    expect(dc).toHaveLength(1);
    expect(dc[0]).toMatchObject({
      costSource: 'tesla',
      currency: 'USD',
      tesla: { chargingFee: fees.charging, idleFee: fees.idle, invoiceIds: [expect.any(String)] },
    });
    expect(dc[0]!.cost).toBeCloseTo(fees.charging + fees.idle, 2);
  });

  it('counts the charging-history read in the usage ledger, and made only one', async () => {
    const usage = await api(`/vehicles/${VIN}/usage?month=2026-03`);
    expect(usage.requests.history).toBe(1);
    expect(usage.costByCategoryUsd.history).toBeCloseTo(0.002, 4);
    expect(host.simulator!.billing.byVehicle.get(VIN)?.history).toBe(1);
  });

  it('serves the session’s invoice PDF from Tesla, counted; an invoice its bill does not list never reaches Tesla', async () => {
    const { charges } = (await api(`/vehicles/${VIN}/charges?from=2026-03-01&to=2026-03-04`)) as {
      charges: Array<{ id: string; kind: string; tesla: { invoices: Array<{ id: string; path: string }> } | null }>;
    };
    const dc = charges.find((c) => c.kind === 'dc')!;
    const [invoice] = dc.tesla!.invoices;
    expect(invoice!.path).toBe(`/vehicles/${VIN}/charges/${dc.id}/invoices/${invoice!.id}`);
    const res = await fetch(`${host.url}${invoice!.path}`, { headers: { authorization: `Bearer ${host.apiToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="tesla-invoice-${invoice!.id}.pdf"`);
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const fees = simSuperchargerFees(host.simulator!.car(VIN).truth.chargeSessions.find((s) => s.dc)!);
    expect(pdf.toString('latin1')).toContain(`Total: USD ${(fees.charging + fees.idle).toFixed(2)}`);
    expect(host.simulator!.billing.byVehicle.get(VIN)?.history).toBe(2);

    const other = await fetch(`${host.url}/vehicles/${VIN}/charges/${dc.id}/invoices/sim-invoice-someone-else`, {
      headers: { authorization: `Bearer ${host.apiToken}` },
    });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('invoice_not_found');
    const bad = await fetch(`${host.url}/vehicles/${VIN}/charges/${dc.id}/invoices/..%2F..%2Fvehicles`, {
      headers: { authorization: `Bearer ${host.apiToken}` },
    });
    expect(bad.status).toBe(400);
    expect(host.simulator!.billing.byVehicle.get(VIN)?.history).toBe(2);
    const usage = await api(`/vehicles/${VIN}/usage?month=2026-03`);
    expect(usage.requests.history).toBe(2);
  });
});
