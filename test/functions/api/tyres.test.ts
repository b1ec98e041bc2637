import type { Context } from 'aws-lambda';
import { describe, expect, it } from '@jest/globals';
import { createApiHandler } from '../../../functions/api/create-handler';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import { ApiTokenVerifier } from '../../../shared/secrets/api-token-verifier';
import { httpEvent } from '../../support/api-events';
import { FakeFleetApi } from '../../support/fake-fleet-api';
import { memoryApiDeps } from '../../support/memory-api-deps';
import { MemoryCommandStores } from '../../support/memory-command-stores';
import { MemoryHistoryStore } from '../../support/memory-history-store';
import { MemoryStores } from '../../support/memory-stores';

const TOKEN = 'tyres-api-token-0123456789';
const VIN = '5YJ3E7EB0SF000001';
const T0 = Date.parse('2026-06-15T07:00:00Z');

async function setup() {
  const stores = new MemoryStores();
  const tyres = (fl: number | null, rl: number | null, warn = false) => ({
    tpms_pressure_fl: fl,
    tpms_pressure_fr: fl,
    tpms_pressure_rl: rl,
    tpms_pressure_rr: fl,
    tpms_rcp_front_value: 2.9,
    tpms_rcp_rear_value: 2.9,
    tpms_hard_warning_rl: warn,
  });
  const rows = [
    [0, tyres(2.9, 2.9)],
    [60, tyres(null, null)], // sensors asleep: no pressures, left out
    [120, tyres(2.9, 2.1, true)],
  ] as const;
  for (const [min, state] of rows)
    await stores.putSnapshot(snapshotFromVehicleData(VIN, { vehicle_state: { odometer: 100, timestamp: T0 + min * 60_000, ...state } }, 0));
  const handler = createApiHandler(
    memoryApiDeps({
      stores,
      history: new MemoryHistoryStore(),
      commands: new MemoryCommandStores(),
      fleet: new FakeFleetApi(),
      clock: { now: () => T0 + 3 * 3_600_000 },
    }),
    new ApiTokenVerifier(() => Promise.resolve(TOKEN)),
  );
  return (path: string, query: Record<string, string>, accept = 'application/json') =>
    handler(httpEvent('GET', path, { token: TOKEN, query, headers: { accept } }), {} as Context);
}

describe('tyre pressures per wheel', () => {
  it('lists each stored reading’s pressures with the recommended ones and the car’s warnings, as JSON and CSV', async () => {
    const get = await setup();
    const day = { from: '2026-06-15T00:00:00Z', to: '2026-06-16T00:00:00Z' };
    const res = await get(`/vehicles/${VIN}/tyres`, day);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!).readings).toEqual([
      { at: '2026-06-15T07:00:00.000Z', fl: 2.9, fr: 2.9, rl: 2.9, rr: 2.9, recommendedFront: 2.9, recommendedRear: 2.9, carWarns: '' },
      { at: '2026-06-15T09:00:00.000Z', fl: 2.9, fr: 2.9, rl: 2.1, rr: 2.9, recommendedFront: 2.9, recommendedRear: 2.9, carWarns: 'rl' },
    ]);
    const table = await get(`/vehicles/${VIN}/tyres`, day, 'text/csv');
    expect(table.body!.split('\r\n')[0]).toBe('at,fl,fr,rl,rr,recommendedFront,recommendedRear,carWarns');
  });

  it('answers a bad query with a 400 naming it', async () => {
    const res = await (await setup())(`/vehicles/${VIN}/tyres`, { limit: '0' });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!)).toMatchObject({ error: { code: 'invalid_query' } });
  });
});
