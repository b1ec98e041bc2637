import type { CollectorSummary } from '../../shared/domain/collector';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createCollectorHandler } from '../../functions/collector/create-handler';
import { UndiciFleetApi } from '../../shared/tesla/undici-fleet-api';
import { FaultyTesla, type TeslaFault } from '../support/faulty-tesla';
import { MemoryStores } from '../support/memory-stores';

const VIN = '5YJ3E7EB0SF000001';
const PASS_BUDGET_MS = 1_500;
const tesla = new FaultyTesla();
let baseUrl: string;

beforeAll(async () => {
  baseUrl = await tesla.start();
});
afterAll(() => tesla.stop());
beforeEach(() => {
  tesla.requests.length = 0;
  tesla.dataFault = 'none';
  tesla.stateFault = 'none';
});

/** The collector as the Lambda builds it, over real HTTP to the faulty double, on a clock the test moves. */
function collector() {
  const stores = new MemoryStores();
  let now = Date.parse('2026-06-15T12:00:00Z');
  const tokens = { get: () => Promise.resolve('access-token'), renewAfterRejection: () => Promise.resolve('access-token') };
  const fleet = new UndiciFleetApi({ baseUrl, tokens, timeoutMs: 5_000 });
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const handler = createCollectorHandler(
    { fleet, vehicles: stores, snapshots: stores, usage: stores, clock: { now: () => now }, log, includeLocation: false, monthlyBudgetUsd: 10 },
    { passBudgetMs: PASS_BUDGET_MS },
  );
  const pass = async (): Promise<CollectorSummary> => (await handler(undefined, {} as never)) as CollectorSummary;
  const dataRequests = () => tesla.requests.filter((p) => p.endsWith('/vehicle_data')).length;
  return { stores, pass, dataRequests, advance: (ms: number) => (now += ms) };
}

describe('the collector under bad answers', () => {
  it.each([['html'], ['truncated_json'], ['empty'], ['wrong_shape'], ['status_500'], ['status_503'], ['reset'], ['rate_limited'], ['slow_drip']] as Array<
    [TeslaFault]
  >)('%s: no snapshot, one billed request per backoff window, and recovery when the fault clears', async (fault) => {
    const { stores, pass, dataRequests, advance } = collector();
    tesla.dataFault = fault;
    tesla.retryAfterSeconds = 120;
    const started = Date.now();
    const first = await pass();
    expect(Date.now() - started).toBeLessThan(PASS_BUDGET_MS + 1_000); // never stalls
    expect(first.vehicles[0]).toMatchObject({ vin: VIN, decision: 'failed', snapshotWritten: false });
    expect(dataRequests()).toBe(1);

    // Passes every minute inside the backoff window ask nothing billed.
    advance(60_000);
    await pass();
    expect(dataRequests()).toBe(1);

    tesla.dataFault = 'none';
    for (
      let minute = 0;
      minute < 5 && (await stores.snapshotsBetween(VIN, { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER, limit: 10 })).items.length === 0;
      minute++
    ) {
      advance(60_000);
      await pass();
    }
    const { items } = await stores.snapshotsBetween(VIN, { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER, limit: 10 });
    expect(items).toHaveLength(1);
    expect(items[0]!.odometerMi).toBe(12_345.6);
    expect(dataRequests()).toBe(2);
  });

  it('an answer with no odometer is not a reading: nothing is stored', async () => {
    const { stores, pass } = collector();
    const saved = tesla.vehicleData;
    tesla.vehicleData = { vehicle_state: { locked: true }, charge_state: { battery_level: 80 } };
    try {
      expect((await pass()).vehicles[0]).toMatchObject({ decision: 'failed', snapshotWritten: false });
      expect((await stores.snapshotsBetween(VIN, { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER, limit: 10 })).items).toEqual([]);
    } finally {
      tesla.vehicleData = saved;
    }
  });
});
