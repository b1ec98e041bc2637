import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbSessionCache } from '../../shared/store/dynamodb-session-cache';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INITIAL_MEMORY } from '../../shared/domain/polling-policy';
import { snapshotFromVehicleData } from '../../shared/domain/snapshot';
import { DynamoDbCommandStores } from '../../shared/store/dynamodb-command-stores';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { InvalidCursorError } from '../../shared/domain/invalid-cursor-error';
import { deriveHistory } from '../../shared/domain/history/history-machine';
import { rederiveHistory } from '../../shared/domain/history/rederive';
import { recordHistory, recordStateChange } from '../../shared/domain/history/history-recorder';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { DynamoDbNotificationOutbox } from '../../shared/store/dynamodb-notification-outbox';
import { startLocalDynamo, type LocalDynamo } from '../../infra/local/dynalite-server';

const VIN = '5YJ3E7EB0SF000001';
const OTHER = '5YJ3E7EB0SF000002';
let dynamo: LocalDynamo;
let stores: DynamoDbStores;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'test' });
  stores = new DynamoDbStores({
    client: DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: 'test',
    snapshotRetentionDays: 30,
  });
});
afterAll(async () => {
  await dynamo.stop();
});

const snap = (vin: string, iso: string, odometer: number) => snapshotFromVehicleData(vin, { vehicle_state: { odometer, timestamp: Date.parse(iso) } }, 0);

const ABANDON = 60_000;

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

  it('keeps the whole vehicle_data answer with a snapshot, compressed, and gives it back', async () => {
    const raw = {
      vehicle_state: { odometer: 4242.5, car_version: '2026.20.1 abc', tpms_pressure_fl: 2.9 },
      charge_state: { battery_level: 77, charge_energy_added: 12.5 },
    };
    const s = snapshotFromVehicleData(VIN, raw, Date.parse('2026-04-20T10:00:00Z'));
    await stores.putSnapshot(s, raw);
    expect(await stores.rawSnapshot(VIN, s.takenAt)).toEqual(raw);
    expect(await stores.rawSnapshot(VIN, s.takenAt + 1)).toBeNull();
  });

  it('refuses a cursor reused with another range (it belongs to its query), even one DynamoDB would reject', async () => {
    for (let i = 0; i < 5; i++) await stores.putSnapshot(snap(VIN, `2026-04-0${i + 1}T00:00:00Z`, 500 + i));
    const range = { fromMs: Date.parse('2026-04-01'), toMs: Date.parse('2026-04-30') };
    const { cursor } = await stores.snapshotsBetween(VIN, { ...range, limit: 2 });
    expect(cursor).not.toBeNull();
    await expect(stores.snapshotsBetween(VIN, { ...range, limit: 5, cursor })).resolves.toMatchObject({ items: expect.any(Array) });
    for (const other of [
      { fromMs: Date.parse('2026-04-03'), toMs: range.toMs },
      { fromMs: Date.parse('2026-06-01'), toMs: Date.parse('2026-06-30') },
      { fromMs: range.fromMs, toMs: Date.parse('2026-04-30T00:00:01Z') },
    ]) {
      await expect(stores.snapshotsBetween(VIN, { ...other, limit: 2, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    }
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

describe('day rollups and usage ledger on dynalite', () => {
  const CAR = '5YJ3E7EB0SF000003';

  it('keeps each day’s lowest and highest odometer whatever the order or repetition of writes', async () => {
    const writes = [
      snap(CAR, '2026-07-01T18:00:00Z', 2030),
      snap(CAR, '2026-07-01T08:00:00Z', 2000),
      snap(CAR, '2026-07-01T12:00:00Z', 2010),
      snap(CAR, '2026-07-01T18:00:00Z', 2030),
      snap(CAR, '2026-07-02T09:00:00Z', 2045),
    ];
    for (const s of writes) await stores.putSnapshot(s);
    const { days, before } = await stores.dayRollups(CAR, '2026-07-01', '2026-07-02');
    expect(before).toBeNull();
    expect(days).toEqual([
      { vin: CAR, date: '2026-07-01', firstOdometerMi: 2000, lastOdometerMi: 2030 },
      { vin: CAR, date: '2026-07-02', firstOdometerMi: 2045, lastOdometerMi: 2045 },
    ]);
    expect((await stores.dayRollups(CAR, '2026-07-02', '2026-07-31')).before).toMatchObject({ date: '2026-07-01', lastOdometerMi: 2030 });
  });

  it('answers a year of daily history with one item per day', async () => {
    const YEAR_CAR = '5YJ3E7EB0SF000004';
    const start = Date.parse('2025-01-01T12:00:00Z');
    for (let d = 0; d < 365; d++) await stores.putSnapshot(snap(YEAR_CAR, new Date(start + d * 86_400_000).toISOString(), 10_000 + d * 20));
    const { days } = await stores.dayRollups(YEAR_CAR, '2025-01-01', '2025-12-31');
    expect(days).toHaveLength(365);
  });

  it('adds usage atomically per car and month', async () => {
    await Promise.all(Array.from({ length: 10 }, () => stores.addUsage(CAR, '2026-07', { data: 1, command: 0, wake: 0, free: 2, history: 0 })));
    await stores.addUsage(CAR, '2026-07', { data: 0, command: 3, wake: 1, free: 0, history: 1 });
    expect(await stores.getUsage(CAR, '2026-07')).toEqual({ data: 10, command: 3, wake: 1, free: 20, history: 1 });
    expect(await stores.getUsage(CAR, '2026-08')).toEqual({ data: 0, command: 0, wake: 0, free: 0, history: 0 });
  });
});

describe('command audit and idempotency keys on dynalite', () => {
  const CAR = '5YJ3E7EB0SF000005';
  let commands: DynamoDbCommandStores;
  beforeAll(() => {
    commands = new DynamoDbCommandStores({ client: DynamoDBDocumentClient.from(dynamo.client), tableName: 'test', auditRetentionDays: 30 });
  });
  const entry = (at: number, command: string) => ({
    vin: CAR,
    id: `id-${at}`,
    at,
    command,
    body: {},
    outcome: 'done',
    reason: '',
    latencyMs: 5,
    woke: false,
    transport: 'rest' as const,
    caller: { sourceIp: '127.0.0.1', userAgent: 'curl' },
    idempotencyKey: null,
  });

  it('lists audit entries newest first, in pages', async () => {
    for (const [i, c] of ['door_lock', 'honk_horn', 'flash_lights'].entries()) await commands.record(entry(Date.parse('2026-08-01T10:00:00Z') + i * 60_000, c));
    const first = await commands.list(CAR, { limit: 2 });
    expect(first.items.map((e) => e.command)).toEqual(['flash_lights', 'honk_horn']);
    const second = await commands.list(CAR, { limit: 2, cursor: first.cursor });
    expect(second.items.map((e) => e.command)).toEqual(['door_lock']);
  });

  it('lets one of many concurrent claims of a key win, then replays its answer', async () => {
    const now = Date.parse('2026-08-01T10:00:00Z');
    const claims = await Promise.all(Array.from({ length: 10 }, () => commands.claim(CAR, 'key-1', 'fp', now, ABANDON)));
    expect(claims.filter((c) => c.kind === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'in_progress')).toHaveLength(9);
    await commands.complete(CAR, 'key-1', { status: 200, body: { ok: true } });
    expect(await commands.claim(CAR, 'key-1', 'fp', now + 1000, ABANDON)).toEqual({ kind: 'replay', value: { status: 200, body: { ok: true } } });
    expect(await commands.claim(CAR, 'key-1', 'other', now + 1000, ABANDON)).toEqual({ kind: 'mismatch' });
    await commands.release(CAR, 'key-1');
    expect(await commands.claim(CAR, 'key-1', 'fp', now + 2000, ABANDON)).toEqual({ kind: 'claimed' });
  });

  it('never hands out again a key whose request died holding it: it is abandoned, an unknown outcome', async () => {
    const now = Date.parse('2026-08-01T11:00:00Z');
    expect(await commands.claim(CAR, 'key-dead', 'fp', now, ABANDON)).toEqual({ kind: 'claimed' });
    expect(await commands.claim(CAR, 'key-dead', 'fp', now + ABANDON - 1, ABANDON)).toEqual({ kind: 'in_progress' });
    expect(await commands.claim(CAR, 'key-dead', 'fp', now + ABANDON + 1, ABANDON)).toEqual({ kind: 'abandoned' });
    // Hours later, still within the key's day: never claimable again.
    expect(await commands.claim(CAR, 'key-dead', 'fp', now + 6 * 3_600_000, ABANDON)).toEqual({ kind: 'abandoned' });
    expect(await commands.claim(CAR, 'key-dead', 'other', now + ABANDON + 1, ABANDON)).toEqual({ kind: 'mismatch' });
  });

  it('remembers until when Tesla rate-limited a car, per kind of request', async () => {
    expect(await commands.rateLimitedUntil(CAR, 'command')).toBeNull();
    await commands.rememberRateLimit(CAR, 'command', 1_800_000_000_000);
    expect(await commands.rateLimitedUntil(CAR, 'command')).toBe(1_800_000_000_000);
    expect(await commands.rateLimitedUntil(CAR, 'wake')).toBeNull();
  });

  it('remembers per car whether it needs signed commands, the latest word winning', async () => {
    expect(await commands.getSigningStatus(CAR)).toBeNull();
    await commands.putSigningStatus(CAR, { required: false, source: 'fleet_status', checkedAt: 1 });
    await commands.putSigningStatus(CAR, { required: true, source: 'command_answer', checkedAt: 2 });
    expect(await commands.getSigningStatus(CAR)).toEqual({ required: true, source: 'command_answer', checkedAt: 2 });
    expect(await commands.getSigningStatus('5YJ3E7EB0SF000006')).toBeNull();
  });
});

describe('signed-command sessions on dynalite', () => {
  it('round-trips a session and never moves its counter backwards within an epoch', async () => {
    const cache = new DynamoDbSessionCache(DynamoDBDocumentClient.from(dynamo.client), 'test');
    const session = {
      vin: VIN,
      domain: 3 as const,
      vehiclePublicKey: Buffer.alloc(65, 4),
      epoch: Buffer.alloc(16, 1),
      counter: 10,
      timeZero: 12345,
      clockTime: 2650,
    };
    expect(await cache.get(VIN, 3)).toBeNull();
    await cache.put(session);
    expect(await cache.get(VIN, 3)).toEqual(session);
    await cache.put({ ...session, counter: 7 }); // a slower container
    expect((await cache.get(VIN, 3))?.counter).toBe(10);
    await cache.put({ ...session, epoch: Buffer.alloc(16, 2), counter: 1 }); // a new epoch starts over
    expect(await cache.get(VIN, 3)).toMatchObject({ counter: 1, epoch: Buffer.alloc(16, 2) });
    const stored = JSON.stringify(
      await DynamoDBDocumentClient.from(dynamo.client).send(new GetCommand({ TableName: 'test', Key: { pk: `VEHICLE#${VIN}`, sk: 'VCP#3' } })),
    );
    expect(stored).not.toMatch(/PRIVATE|privateRaw/);
  });
});

describe('derived history on dynalite', () => {
  it('re-derives a car’s history from its snapshots, replacing records an older derivation left', async () => {
    const client = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
    const history = new DynamoDbHistoryStore({ client, tableName: 'test' });
    const car = '5YJ3E7EB0SF000077';
    const at = (min: number) => Date.parse('2026-09-01T07:00:00Z') + min * 60_000;
    const readings = [
      [0, 100, 'P'],
      [5, 102, 'D'],
      [10, 104, 'P'],
      [60, 104, 'P'],
      [65, 110, 'D'],
      [70, 113, 'P'],
    ] as const;
    for (const [min, odometer, gear] of readings) {
      await stores.putSnapshot(
        snapshotFromVehicleData(
          car,
          { vehicle_state: { odometer, timestamp: at(min) }, drive_state: { shift_state: gear, speed: gear === 'D' ? 40 : null } },
          0,
        ),
      );
    }
    // What an older, wrong derivation left behind: one drive spanning both.
    const wrong = deriveHistory([], { packKwh: 75 });
    wrong.drives.push({
      vin: car,
      id: String(at(1)),
      start: { at: at(1), odometerMi: 100, batteryLevel: null, rangeMi: null, location: null },
      startedBy: at(5),
      endedAfter: at(65),
      end: { at: at(70), odometerMi: 113, batteryLevel: null, rangeMi: null, location: null },
      distanceMi: 13,
      durationMs: 0,
      estimatedEnergyKwh: null,
      whPerMi: null,
      whPerKm: null,
      maxSpeedMph: null,
      readings: 2,
      mayHideStops: true,
    });
    await history.saveHistoryStep(car, wrong);

    const result = await rederiveHistory({ snapshots: stores, history }, car, { fromMs: 0, toMs: at(100) });
    expect(result).toMatchObject({ snapshots: 6, drives: 2, deleted: 1 });
    const drives = (await history.listDrives(car, { fromMs: 0, toMs: at(100), limit: 10 })).items;
    expect(drives.map((d) => d.distanceMi)).toEqual([4, 9]);
    expect(await history.getDrive(car, drives[0]!.id)).toEqual(drives[0]);
    // Running it again changes nothing.
    await rederiveHistory({ snapshots: stores, history }, car, { fromMs: 0, toMs: at(100) });
    expect((await history.listDrives(car, { fromMs: 0, toMs: at(100), limit: 10 })).items).toEqual(drives);
  });

  it('keeps state changes with the snapshots’ TTL, and re-deriving gives the idle period the asleep share the collector gave it', async () => {
    const client = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
    const history = new DynamoDbHistoryStore({ client, tableName: 'test', stateChangeRetentionDays: 30 });
    const car = '5YJ3E7EB0SF000078';
    const at = (min: number) => Date.parse('2026-09-02T18:00:00Z') + min * 60_000;
    const parked = (min: number, odometer: number, gear: 'P' | 'D' = 'P') =>
      snapshotFromVehicleData(
        car,
        {
          vehicle_state: { odometer, timestamp: at(min) },
          charge_state: { battery_level: 70 },
          drive_state: { shift_state: gear, speed: gear === 'D' ? 30 : null },
        },
        0,
      );
    // As the collector does it: a reading, the car falls asleep, wakes 10 hours later, is read, drives off.
    await recordHistory(history, parked(0, 500));
    await recordStateChange(history, { vin: car, at: at(15), state: 'asleep' });
    await recordStateChange(history, { vin: car, at: at(615), state: 'online' });
    for (const s of [parked(616, 500), parked(620, 502, 'D')]) {
      await stores.putSnapshot(s);
      await recordHistory(history, s);
    }
    await stores.putSnapshot(parked(0, 500));
    const live = (await history.listIdles(car, { fromMs: 0, toMs: at(1000), limit: 10 })).items;
    expect(live).toHaveLength(1);
    expect(live[0]!.asleepShare).toBeCloseTo(600 / 616, 3);

    const item = await client.send(new GetCommand({ TableName: 'test', Key: { pk: `VEHICLE#${car}`, sk: `STATE#${new Date(at(15)).toISOString()}` } }));
    expect(item.Item).toMatchObject({ change: { state: 'asleep' }, expiresAt: Math.floor(at(15) / 1000) + 30 * 86_400 });
    await rederiveHistory({ snapshots: stores, history }, car, { fromMs: 0, toMs: at(1000) });
    expect((await history.listIdles(car, { fromMs: 0, toMs: at(1000), limit: 10 })).items).toEqual(live);
  });
});

describe('notification queue on dynalite', () => {
  const notice = { id: 'drive_finished#5YJ3#1', kind: 'drive_finished' as const, vin: '5YJ3', at: 1_000, title: 'Drive finished', message: '12 mi', data: {} };

  it('queues an event once per channel, and again only if its queue entry was lost (the process died between the writes)', async () => {
    const client = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
    // A client whose first write of a queue entry fails, as if the process died right after the record was written.
    let failQueueWrite = true;
    const flaky = {
      send: (command: { input: { Item?: { sk?: string } } }) => {
        if (failQueueWrite && String(command.input.Item?.sk ?? '').startsWith('NOTIFY#DUE#')) {
          failQueueWrite = false;
          return Promise.reject(new Error('process died'));
        }
        return client.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const outbox = new DynamoDbNotificationOutbox({ client: flaky, tableName: 'test' });
    await expect(outbox.enqueue(notice, 'webhook', 1_000)).rejects.toThrow('process died');
    expect(await outbox.due(2_000, 10)).toEqual([]);
    // Seen again (the detectors' memory was not saved): queued now, once.
    expect(await outbox.enqueue(notice, 'webhook', 1_500)).toBe(true);
    expect(await outbox.enqueue(notice, 'webhook', 1_600)).toBe(false);
    const due = await outbox.due(2_000, 10);
    expect(due).toEqual([expect.objectContaining({ channel: 'webhook', status: 'pending', notification: expect.objectContaining({ id: notice.id }) })]);
    // Once tried, a further sighting queues nothing, whatever the outcome.
    await outbox.settle({ ...due[0]!, attempts: 1, status: 'delivered', nextAttemptAt: null });
    expect(await outbox.enqueue(notice, 'webhook', 3_000)).toBe(false);
    expect(await outbox.due(4_000, 10)).toEqual([]);
  });
});
