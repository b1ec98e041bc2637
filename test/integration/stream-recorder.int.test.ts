import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Context, SQSEvent } from 'aws-lambda';
import { createStreamRecorderHandler } from '../../functions/stream-recorder/create-handler';
import { TABLE_ACTIONS } from '../../infra/cdk/table-grants';
import { startLocalDynamo, type LocalDynamo } from '../../infra/local/dynalite-server';
import { asRole } from '../support/fake-iam';
import { DEFAULT_SIGNALS, streamFoldOptions } from '../../shared/domain/telemetry/signal-set';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { DynamoDbStreamStates } from '../../shared/store/dynamodb-stream-states';
import { RECORD_STREAMS } from '../../shared/domain/telemetry/record-streams';

const VIN = '5YJ3E7EB0SF000012';
const T0 = Date.parse('2026-06-10T08:00:00Z');
const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'stream' });
});
afterAll(async () => {
  await dynamo.stop();
});

const message = (id: number, second: number, data: Array<{ key: string; value: unknown }>) => ({
  messageId: `m${id}`,
  body: JSON.stringify({ data, createdAt: new Date(T0 + second * 1000).toISOString(), vin: VIN, isResend: false }),
});
const gear = (g: string) => ({ key: 'Gear', value: { shiftStateValue: `ShiftState${g}` } });
const text = (key: string, v: number) => ({ key, value: { stringValue: String(v) } });

describe('the stream recorder on the table, with the grants its role has', () => {
  it('stores the streamed readings and state and derives the drive, with no action its role lacks', async () => {
    const client = asRole(dynamo.endpoint, TABLE_ACTIONS.streamRecorder);
    const stores = new DynamoDbStores({ client, tableName: 'stream', snapshotRetentionDays: 30 });
    const admin = new DynamoDbStores({ client: asRole(dynamo.endpoint, TABLE_ACTIONS.collector), tableName: 'stream', snapshotRetentionDays: 30 });
    await admin.putVehicle({ vin: VIN, displayName: 'Car', state: 'online', lastSeenAt: T0, lastSnapshotAt: null, polling: {} as never });
    const history = new DynamoDbHistoryStore({ client, tableName: 'stream' });
    const streamStates = new DynamoDbStreamStates({ client, tableName: 'stream' });
    const handler = createStreamRecorderHandler({
      snapshots: stores,
      streamStates,
      vehicles: stores,
      history,
      includeLocation: false,
      fold: streamFoldOptions(DEFAULT_SIGNALS),
      log: silentLog,
    });
    const records = [
      message(1, 0, [gear('P'), text('Odometer', 500), text('VehicleSpeed', 0), text('RatedRange', 200), text('BatteryLevel', 80)]),
      message(2, 60, [gear('D')]),
      message(3, 120, [text('VehicleSpeed', 30), text('Odometer', 500.5)]),
      message(4, 240, [text('VehicleSpeed', 30), text('Odometer', 501.5)]),
      message(5, 300, [gear('P'), text('VehicleSpeed', 0), text('Odometer', 502), text('RatedRange', 198)]),
    ];
    const out = await handler({ Records: records } as SQSEvent, {} as Context);
    expect(out).toEqual({ batchItemFailures: [] });
    const drives = await history.listDrives(VIN, { fromMs: 0, toMs: T0 + 86_400_000, limit: 10 });
    expect(drives.items.map((d) => [d.distanceMi, d.start.at, d.startedBy, d.end.at])).toEqual([[2, T0 + 59_000, T0 + 60_000, T0 + 300_000]]);
    expect((await stores.latestSnapshot(VIN))?.source).toBe('stream');
    expect((await streamStates.getStreamState(VIN))?.at).toBe(T0 + 300_000);
    // The state is never moved back: an older one is not written.
    await streamStates.putStreamState({ vin: VIN, at: T0, fields: {} });
    expect((await streamStates.getStreamState(VIN))?.at).toBe(T0 + 300_000);
  });

  it('keeps each car’s watch: the API’s half and the recorder’s connectivity half never overwrite each other, nor an older event a newer', async () => {
    const recorderRole = new DynamoDbStreamStates({ client: asRole(dynamo.endpoint, TABLE_ACTIONS.streamRecorder), tableName: 'stream' });
    const apiRole = new DynamoDbStreamStates({ client: asRole(dynamo.endpoint, TABLE_ACTIONS.api), tableName: 'stream' });
    const stores = new DynamoDbStores({ client: asRole(dynamo.endpoint, TABLE_ACTIONS.streamRecorder), tableName: 'stream', snapshotRetentionDays: 30 });
    const handler = createStreamRecorderHandler({
      snapshots: stores,
      streamStates: recorderRole,
      vehicles: stores,
      includeLocation: false,
      fold: streamFoldOptions(DEFAULT_SIGNALS),
      log: silentLog,
      watch: recorderRole,
    });
    const connectivity = (id: number, status: string, second: number) => ({
      messageId: `c${id}`,
      body: JSON.stringify({ vin: VIN, connectionId: 'c', status, createdAt: new Date(T0 + second * 1000).toISOString(), networkInterface: 'wifi' }),
      messageAttributes: { stream: { stringValue: RECORD_STREAMS.connectivity, dataType: 'String' } },
    });
    await apiRole.setConfiguredUntil(VIN, T0 + 86_400_000);
    const out = await handler({ Records: [connectivity(1, 'CONNECTED', 10), connectivity(2, 'DISCONNECTED', 20)] } as unknown as SQSEvent, {} as Context);
    expect(out).toEqual({ batchItemFailures: [] });
    // Delivered again late, the older event changes nothing.
    await handler({ Records: [connectivity(3, 'CONNECTED', 10)] } as unknown as SQSEvent, {} as Context);
    expect(await apiRole.getStreamWatch(VIN)).toEqual({ vin: VIN, configuredUntil: T0 + 86_400_000, connection: { connected: false, at: T0 + 20_000 } });
    await apiRole.setConfiguredUntil(VIN, null);
    expect(await recorderRole.getStreamWatch(VIN)).toEqual({ vin: VIN, configuredUntil: null, connection: { connected: false, at: T0 + 20_000 } });
  });
});
