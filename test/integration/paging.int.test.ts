import { memoryApiDeps } from '../support/memory-api-deps';
import type { Context } from 'aws-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiHandler } from '../../functions/api/create-handler';
import { startLocalDynamo, type LocalDynamo } from '../../infra/local/dynalite-server';
import { deriveHistory } from '../../shared/domain/history/history-machine';
import { snapshotFromVehicleData, type Snapshot } from '../../shared/domain/snapshot';
import { ApiTokenVerifier } from '../../shared/secrets/api-token-verifier';
import { DynamoDbCommandStores } from '../../shared/store/dynamodb-command-stores';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { httpEvent } from '../support/api-events';
import { FakeFleetApi } from '../support/fake-fleet-api';

/**
 * Paging through whole lists as a client does: default time range ("the last 30 days" up to now), the clock moving
 * between pages, newest first for a dashboard. On dynalite, so the store's own cursors are the real ones.
 */
const TOKEN = 'test-api-token-0123456789';
const VIN = '5YJ3E7EB0SF000001';
const OTHER = '5YJ3E7EB0SF000002';
const END = Date.parse('2026-12-03T09:00:00Z');
const DAYS = 10;
let dynamo: LocalDynamo;
let now = END;
let call: (path: string, query?: Record<string, string>, accept?: string) => Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
let snapshots: Snapshot[];

/** Two 10-minute drives a day for DAYS days, read every 5 minutes. */
function month(vin: string): Snapshot[] {
  const out: Snapshot[] = [];
  let odometer = 10_000;
  const reading = (at: number, gear: 'P' | 'D') =>
    snapshotFromVehicleData(
      vin,
      { vehicle_state: { odometer, timestamp: at }, drive_state: { shift_state: gear, speed: gear === 'D' ? 30 : null }, charge_state: { battery_level: 70 } },
      0,
    );
  for (let d = DAYS; d >= 1; d--) {
    for (const hour of [8, 17]) {
      const start = END - d * 86_400_000 + (hour - 9) * 3_600_000;
      out.push(reading(start, 'P'));
      odometer += 2;
      out.push(reading(start + 5 * 60_000, 'D'));
      odometer += 2;
      out.push(reading(start + 10 * 60_000, 'P'));
    }
  }
  return out;
}

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'paging' });
  const client = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
  const stores = new DynamoDbStores({ client, tableName: 'paging', snapshotRetentionDays: 400 });
  const history = new DynamoDbHistoryStore({ client, tableName: 'paging' });
  const commands = new DynamoDbCommandStores({ client, tableName: 'paging', auditRetentionDays: 30 });
  for (const vin of [VIN, OTHER]) {
    const readings = month(vin);
    if (vin === VIN) snapshots = readings;
    for (const s of readings) await stores.putSnapshot(s);
    const derived = deriveHistory(readings, { packKwh: 75 });
    await history.saveHistoryStep(vin, derived);
  }
  const handler = createApiHandler(
    memoryApiDeps({ stores, history, commands, fleet: new FakeFleetApi(), clock: { now: () => now } }),
    new ApiTokenVerifier(() => Promise.resolve(TOKEN)),
  );
  call = async (path, query = {}, accept) => {
    const res = await handler(httpEvent('GET', path, { token: TOKEN, query, ...(accept ? { headers: { accept } } : {}) }), {} as Context);
    return { status: res.statusCode!, headers: res.headers ?? {}, body: accept === 'text/csv' ? res.body : JSON.parse(res.body ?? 'null') };
  };
});
afterAll(async () => {
  await dynamo.stop();
});

/** Follows nextCursor to the end, a minute passing between pages; returns every item's key. */
async function pageThrough(path: string, key: string, query: Record<string, string>, id: (item: any) => string): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const res = await call(path, { ...query, ...(cursor ? { cursor } : {}) });
    expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 200, error: undefined });
    seen.push(...(res.body[key] as any[]).map(id));
    cursor = res.body.nextCursor;
    if (cursor === null) return seen;
    now += 60_000;
  }
  throw new Error('too many pages');
}

describe('paging through a whole list with the default range', () => {
  it.each([
    ['drives', 'drives', (d: any) => String(d.id)],
    ['snapshots', 'snapshots', (s: any) => String(s.takenAt)],
  ])('/%s: every page follows from the one before, though "now" moved', async (list, key, id) => {
    now = END;
    const all = await pageThrough(`/vehicles/${VIN}/${list}`, key, { limit: '500' }, id);
    now = END;
    const paged = await pageThrough(`/vehicles/${VIN}/${list}`, key, { limit: '3' }, id);
    expect(paged).toEqual(all);
    expect(all.length).toBeGreaterThan(10);
  });

  it('the raw odometer series and the CSV pages too', async () => {
    now = END;
    const all = await pageThrough(`/vehicles/${VIN}/odometer`, 'readings', { limit: '1000' }, (r) => String(r.at));
    now = END;
    expect(await pageThrough(`/vehicles/${VIN}/odometer`, 'readings', { limit: '7' }, (r) => String(r.at))).toEqual(all);
    expect(all).toHaveLength(snapshots.length);
    now = END;
    const first = await call(`/vehicles/${VIN}/drives`, { limit: '2' }, 'text/csv');
    now += 60_000;
    const second = await call(`/vehicles/${VIN}/drives`, { limit: '2', cursor: String(first.headers['x-next-cursor']) }, 'text/csv');
    expect(second.status).toBe(200);
  });

  it('order=newest starts at the newest record and pages backwards over the same set', async () => {
    now = END;
    const oldest = await pageThrough(`/vehicles/${VIN}/drives`, 'drives', { limit: '4' }, (d) => String(d.start.at));
    now = END;
    const newest = await pageThrough(`/vehicles/${VIN}/drives`, 'drives', { limit: '4', order: 'newest' }, (d) => String(d.start.at));
    expect(newest).toEqual([...oldest].reverse());
    now = END;
    const first = await call(`/vehicles/${VIN}/drives`, { limit: '1', order: 'newest' });
    expect(first.body).toMatchObject({ order: 'newest' });
    expect(first.body.drives[0].start.at).toBe(oldest[oldest.length - 1]);
    now = END;
    const snaps = await call(`/vehicles/${VIN}/snapshots`, { limit: '1', order: 'newest' });
    expect(snaps.body.snapshots[0].takenAt).toBe(new Date(snapshots[snapshots.length - 1]!.takenAt).toISOString());
  });
});

describe('a cursor belongs to its query', () => {
  it('is refused for another car, another order or another range, with invalid_cursor', async () => {
    now = END;
    const { body } = await call(`/vehicles/${VIN}/drives`, { limit: '2' });
    const cursor = body.nextCursor as string;
    expect((await call(`/vehicles/${OTHER}/drives`, { limit: '2', cursor })).body).toMatchObject({ error: { code: 'invalid_cursor' } });
    expect((await call(`/vehicles/${VIN}/drives`, { limit: '2', cursor, order: 'newest' })).body).toMatchObject({ error: { code: 'invalid_cursor' } });
    expect((await call(`/vehicles/${VIN}/drives`, { limit: '2', cursor, from: '2026-01-01' })).body).toMatchObject({ error: { code: 'invalid_cursor' } });
    expect((await call(`/vehicles/${VIN}/drives`, { limit: '2', cursor: 'bm90LWEtY3Vyc29y' })).status).toBe(400);
    // The same range given again beside its cursor is fine.
    expect((await call(`/vehicles/${VIN}/drives`, { limit: '2', cursor, to: body.to, from: body.from })).status).toBe(200);
  });
});
