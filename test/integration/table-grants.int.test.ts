import { DynamoDbBillingStore } from '../../shared/store/dynamodb-billing-store';
import { DynamoDbPlaceStore } from '../../shared/store/dynamodb-place-store';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TABLE_ACTIONS } from '../../infra/cdk/table-grants';
import { startLocalDynamo, type LocalDynamo } from '../../infra/local/dynalite-server';
import { asRole } from '../support/fake-iam';
import { recordHistory } from '../../shared/domain/history/history-recorder';
import { latestAnnotation, loggedDrivesOfYear } from '../../shared/domain/history/logbook-reads';
import { appendToLogbook } from '../../shared/domain/history/logbook-append';
import { verifyLogbook } from '../../shared/domain/history/logbook-verify';
import { snapshotFromVehicleData } from '../../shared/domain/snapshot';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import type { Context } from 'aws-lambda';
import { createApiHandler } from '../../functions/api/create-handler';
import { ApiTokenVerifier } from '../../shared/secrets/api-token-verifier';
import { DynamoDbCommandStores } from '../../shared/store/dynamodb-command-stores';
import { httpEvent } from '../support/api-events';
import { FakeFleetApi } from '../support/fake-fleet-api';
import { memoryApiDeps } from '../support/memory-api-deps';

const VIN = '5YJ3E7EB0SF000011';
const TOKEN = 'test-api-token-0123456789';
let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'grants' });
});
afterAll(async () => {
  await dynamo.stop();
});

describe('each function’s table code needs only the actions its role is granted', () => {
  it('the collector records readings, drives and logbook entries; the API reads a year, a note and verifies', async () => {
    const collector = asRole(dynamo.endpoint, TABLE_ACTIONS.collector);
    const collectorStores = new DynamoDbStores({ client: collector, tableName: 'grants', snapshotRetentionDays: 30 });
    const collectorHistory = new DynamoDbHistoryStore({ client: collector, tableName: 'grants' });
    let odometer = 100;
    for (let minute = 0; minute < 40; minute += 5) {
      const driving = minute >= 10 && minute < 25;
      if (driving) odometer += 2;
      const at = Date.parse('2026-06-10T08:00:00Z') + minute * 60_000;
      const snapshot = snapshotFromVehicleData(
        VIN,
        { vehicle_state: { odometer, timestamp: at }, drive_state: { shift_state: driving ? 'D' : 'P', speed: driving ? 30 : 0 } },
        at,
      );
      await collectorStores.putSnapshot(snapshot);
      await recordHistory(collectorHistory, snapshot);
    }

    const api = asRole(dynamo.endpoint, TABLE_ACTIONS.api);
    const apiHistory = new DynamoDbHistoryStore({ client: api, tableName: 'grants' });
    const [logged] = await loggedDrivesOfYear(apiHistory, VIN, 2026, () => false);
    expect(logged).toBeDefined();
    await appendToLogbook(apiHistory, VIN, { kind: 'annotation', driveId: logged!.drive.driveId, purpose: 'business', note: 'site visit', at: Date.now() });
    expect((await latestAnnotation(apiHistory, VIN, logged!.drive.driveId, () => false))?.note).toBe('site visit');
    expect(await verifyLogbook(apiHistory, VIN, null)).toMatchObject({ intact: true, complete: true });
  });

  it('a role without BatchGetItem could not read the year (what the grant is for)', async () => {
    const narrow = asRole(
      dynamo.endpoint,
      TABLE_ACTIONS.api.filter((a) => a !== 'BatchGetItem'),
    );
    const history = new DynamoDbHistoryStore({ client: narrow, tableName: 'grants' });
    await expect(loggedDrivesOfYear(history, VIN, 2026, () => false)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('the API’s routes, commands with an Idempotency-Key included, run with the API’s grants', async () => {
    const role = asRole(dynamo.endpoint, TABLE_ACTIONS.api);
    const fleet = new FakeFleetApi();
    fleet.vehicles = [{ vin: VIN, displayName: 'Car', state: 'online' }];
    const handler = createApiHandler(
      memoryApiDeps({
        stores: new DynamoDbStores({ client: role, tableName: 'grants', snapshotRetentionDays: 30 }),
        history: new DynamoDbHistoryStore({ client: role, tableName: 'grants' }),
        commands: new DynamoDbCommandStores({ client: role, tableName: 'grants', auditRetentionDays: 30 }),
        places: new DynamoDbPlaceStore({ client: role, tableName: 'grants' }),
        billing: new DynamoDbBillingStore({ client: role, tableName: 'grants' }),
        fleet,
        clock: { now: () => Date.parse('2026-06-20T12:00:00Z') },
      }),
      new ApiTokenVerifier(() => Promise.resolve(TOKEN)),
    );
    const call = async (method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; query?: Record<string, string> } = {}) => {
      const { body, ...rest } = options;
      const res = await handler(
        httpEvent(method, path, { token: TOKEN, ...rest, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }),
        {} as Context,
      );
      return res.statusCode;
    };
    const { drives } = JSON.parse(
      (await handler(httpEvent('GET', `/vehicles/${VIN}/drives`, { token: TOKEN, query: { from: '2026-06-01' } }), {} as Context)).body ?? '{}',
    ) as { drives: Array<{ id: string }> };
    const statuses = {
      vehicles: await call('GET', '/vehicles'),
      state: await call('GET', `/vehicles/${VIN}/state`),
      odometer: await call('GET', `/vehicles/${VIN}/odometer`, { query: { from: '2026-06-01' } }),
      place: await call('PUT', '/places/home', {
        body: { name: 'Home', latitude: 52.52, longitude: 13.4, tariff: { currency: 'EUR', timeZone: 'Europe/Berlin', perKwh: 0.3 } },
      }),
      places: await call('GET', '/places'),
      charges: await call('GET', `/vehicles/${VIN}/charges`, { query: { from: '2026-06-01' } }),
      idles: await call('GET', `/vehicles/${VIN}/idles`, { query: { from: '2026-06-01' } }),
      months: await call('GET', `/vehicles/${VIN}/months`),
      usage: await call('GET', `/vehicles/${VIN}/usage`),
      edit: await call('PATCH', `/vehicles/${VIN}/drives/${drives[0]!.id}`, { body: { purpose: 'private' } }),
      logbook: await call('GET', `/vehicles/${VIN}/logbook`, { query: { year: '2026' } }),
      verify: await call('GET', `/vehicles/${VIN}/logbook/verify`),
      command: await call('POST', `/vehicles/${VIN}/commands/honk_horn`, { headers: { 'idempotency-key': 'grants-1' } }),
      replay: await call('POST', `/vehicles/${VIN}/commands/honk_horn`, { headers: { 'idempotency-key': 'grants-1' } }),
      audit: await call('GET', `/vehicles/${VIN}/commands`),
      unplace: await call('DELETE', '/places/home'),
    };
    expect(statuses).toEqual(Object.fromEntries(Object.keys(statuses).map((k) => [k, 200])));
  });
});
