import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INITIAL_MEMORY } from '../../shared/domain/polling-policy';
import { snapshotFromVehicleData } from '../../shared/domain/snapshot';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { InvalidCursorError } from '../../shared/store/invalid-cursor-error';
import { startLocalDynamo, type LocalDynamo } from '../../infra/local/dynalite-server';

const VIN = '5YJ3E7EB0SF000001';
const OTHER = '5YJ3E7EB0SF000002';
let dynamo: LocalDynamo;
let stores: DynamoDbStores;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'test' });
  stores = new DynamoDbStores({ client: DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } }), tableName: 'test', snapshotRetentionDays: 30 });
});
afterAll(async () => {
  await dynamo.stop();
});

const snap = (vin: string, iso: string, odometer: number) => snapshotFromVehicleData(vin, { vehicle_state: { odometer, timestamp: Date.parse(iso) } }, 0);

describe('DynamoDbStores on dynalite', () => {
  it('stores snapshots idempotently and returns the latest per car', async () => {
    await stores.putSnapshot(snap(VIN, '2026-04-01T10:00:00Z', 500));
    await stores.putSnapshot(snap(VIN, '2026-04-01T11:00:00Z', 510));
    await stores.putSnapshot(snap(VIN, '2026-04-01T11:00:00Z', 510)); // a retried write
    await stores.putSnapshot(snap(OTHER, '2026-04-02T11:00:00Z', 9));
    expect((await stores.latestSnapshot(VIN))?.odometerMi).toBe(510);
    const all = await stores.snapshotsBetween(VIN, { fromMs: 0, toMs: Date.parse('2030-01-01'), limit: 100 });
    expect(all.items.map((s) => s.odometerMi)).toEqual([500, 510]);
    expect(await stores.latestSnapshot('5YJ3E7EB0SF000009')).toBeNull();
  });

  it('pages through a range with opaque cursors and rejects forged ones', async () => {
    for (let i = 0; i < 5; i++) await stores.putSnapshot(snap(VIN, `2026-05-0${i + 1}T00:00:00Z`, 600 + i));
    const range = { fromMs: Date.parse('2026-05-01'), toMs: Date.parse('2026-05-31') };
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await stores.snapshotsBetween(VIN, { ...range, limit: 2, cursor });
      seen.push(...page.items.map((s) => s.odometerMi!));
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== null);
    expect(seen).toEqual([600, 601, 602, 603, 604]);
    expect(pages).toBeGreaterThanOrEqual(3);
    const forged = Buffer.from(JSON.stringify({ sk: 'VEHICLE#x' })).toString('base64url');
    await expect(stores.snapshotsBetween(VIN, { ...range, limit: 2, cursor: forged })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(stores.snapshotsBetween(VIN, { ...range, limit: 2, cursor: '%%%' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('keeps one record per vehicle', async () => {
    const record = { vin: VIN, displayName: 'A', state: 'online' as const, lastSeenAt: 1, lastSnapshotAt: null, polling: INITIAL_MEMORY };
    await stores.putVehicle(record);
    await stores.putVehicle({ ...record, state: 'asleep', lastSeenAt: 2 });
    await stores.putVehicle({ ...record, vin: OTHER });
    expect(await stores.getVehicle(VIN)).toMatchObject({ state: 'asleep', lastSeenAt: 2 });
    expect((await stores.listVehicles()).map((r) => r.vin).sort()).toEqual([VIN, OTHER]);
  });
});
