import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context, SQSEvent } from 'aws-lambda';
import { createStreamRecorderHandler } from '../../functions/stream-recorder/create-handler';
import { fleetTelemetryConfig, receiverTlsCommands } from '../../infra/cdk/receiver-host';
import { RECORD_STREAMS } from '../../shared/domain/telemetry/record-streams';
import { startLocalDynamo, type LocalDynamo } from '../../infra/local/dynalite-server';
import type { SimStreamRecord } from '../../infra/simulator/sim-stream';
import { startSimReceiver, type SimReceiver } from '../../infra/simulator/sim-receiver';
import { TelemetryCarClient } from '../../infra/simulator/sim-telemetry-client';
import { receiverConfigFor } from '../../infra/simulator/sim-wire';
import { encodeStreamMessage, MESSAGE_TYPE } from '../../infra/simulator/wire/envelope';
import { kinesisBridge, type RecordSink } from '../../shared/receiver/kinesis-bridge';
import { VinAllowlist } from '../../shared/receiver/vin-allowlist';
import { DEFAULT_SIGNALS, streamFoldOptions } from '../../shared/domain/telemetry/signal-set';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { DynamoDbStreamStates } from '../../shared/store/dynamodb-stream-states';
import { makeCa, makeCarCert, type Ca, type Pem } from '../../infra/simulator/sim-certs';
import { runTlsCommands } from '../support/fake-aws-cli';

/**
 * The car's side of Fleet Telemetry, end to end on the wire: simulated cars with client certificates from a test
 * "Tesla" CA connect over mutual TLS to the stand-in for Tesla's receiver (infra/simulator/sim-receiver.ts) running
 * the configuration the stack deploys, with the server certificate the receiver's own boot commands make; records go
 * through the production bridge to the stream recorder on the table. Tesla's Go receiver cannot run here: these tests
 * pin what its source does with our configuration, and what our side does with it.
 */
const HOST = 'telemetry.example.com';
const OWNER_VIN = '5YJ3E7EB0SF000012';
const STRANGER_VIN = '5YJ3E7EB0SF000099';
const T0 = Date.parse('2026-06-10T08:00:00Z');
const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const until = async (check: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return check();
};
const settle = () => new Promise((r) => setTimeout(r, 150));

let dynamo: LocalDynamo;
let bridge: Server;
let bridgeUrl: string;
let receiver: SimReceiver;
let serverTls: Pem;
let serverCa: string;
let teslaCa: Ca;
let stores: DynamoDbStores;
let history: DynamoDbHistoryStore;
/** What the bridge's sink does with a record: stores it through the recorder unless a test says otherwise. */
let sinkFault: (() => Error | null) | null = null;
/** Vehicle-data records and connectivity events the sink was given. */
const sunk: string[] = [];
const events: string[] = [];
let streamStates: DynamoDbStreamStates;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'wire' });
  stores = new DynamoDbStores({ client: dynamo.client, tableName: 'wire', snapshotRetentionDays: 30 });
  history = new DynamoDbHistoryStore({ client: dynamo.client, tableName: 'wire' });
  await stores.putVehicle({ vin: OWNER_VIN, displayName: 'Car', state: 'online', lastSeenAt: T0, lastSnapshotAt: null, polling: {} as never });
  streamStates = new DynamoDbStreamStates({ client: dynamo.client, tableName: 'wire' });
  const recorder = createStreamRecorderHandler({
    snapshots: stores,
    streamStates,
    watch: streamStates,
    vehicles: stores,
    history,
    includeLocation: true,
    fold: streamFoldOptions(DEFAULT_SIGNALS),
    log: silentLog,
  });
  let id = 0;
  // As SQS would hand the record to the recorder (one message, its body the record).
  const sink: RecordSink = {
    put: async ({ stream, data }) => {
      const fault = sinkFault?.() ?? null;
      if (fault !== null) throw fault;
      (stream === RECORD_STREAMS.V ? sunk : events).push(data.toString('utf8'));
      const message = { messageId: `m${(id += 1)}`, body: data.toString('utf8'), messageAttributes: { stream: { stringValue: stream, dataType: 'String' } } };
      const out = await recorder({ Records: [message] } as unknown as SQSEvent, {} as Context);
      if (out.batchItemFailures.length > 0) throw new Error('not recorded');
    },
  };
  // The bridge as deployed, with the owner's VINs as PUT /streaming writes them.
  const allowlist = new VinAllowlist(() => Promise.resolve([OWNER_VIN]), silentLog);
  bridge = createServer(kinesisBridge({ sink, streams: Object.values(RECORD_STREAMS), log: silentLog, allows: (vin) => allowlist.allows(vin) }));
  await new Promise<void>((r) => bridge.listen(0, '127.0.0.1', r));
  bridgeUrl = `http://127.0.0.1:${(bridge.address() as AddressInfo).port}`;
  // The server's key and certificate, made by the receiver's own first-boot commands (real openssl, a fake AWS CLI).
  const store = mkdtempSync(join(tmpdir(), 'ssm-'));
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  runTlsCommands(receiverTlsCommands(HOST, { key: '/r/key', cert: '/r/cert', ca: '/r/ca' }, dir), store);
  serverTls = { key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.crt'), 'utf8') };
  serverCa = readFileSync(join(store, '_r_ca'), 'utf8');
  teslaCa = makeCa(tmpdir(), 'Tesla Issuing CA');
  receiver = await startReceiver();
}, 60_000);

afterAll(async () => {
  await receiver.close();
  await new Promise((r) => bridge.close(r));
  await dynamo.stop();
});

/** The deployed configuration, its dispatcher pointed at this test's bridge instead of the instance's loopback. */
const startReceiver = (port = 0) => startSimReceiver({ config: receiverConfigFor(bridgeUrl), tls: serverTls, clientCa: teslaCa.cert, log: silentLog, port });

const carCerts = new Map<string, Pem>();
function car(vin: string, certs?: Pem): TelemetryCarClient {
  let pem = certs ?? carCerts.get(vin);
  if (pem === undefined) carCerts.set(vin, (pem = makeCarCert(teslaCa, vin)));
  return new TelemetryCarClient({ url: `wss://127.0.0.1:${receiver.port}/`, vin, ...pem, ca: serverCa, serverName: HOST });
}

const at = (second: number) => new Date(T0 + second * 1000).toISOString();
const gear = (g: string) => ({ key: 'Gear', value: { shiftStateValue: `ShiftState${g}` } });
const text = (key: string, v: number) => ({ key, value: { stringValue: String(v) } });
const rec = (vin: string, second: number, data: SimStreamRecord['data']): SimStreamRecord => ({ data, createdAt: at(second), vin, isResend: false });

describe('a simulated car on the wire (mutual TLS, FlatBuffers around protobuf) to the stand-in receiver', () => {
  it('is acked only once its record is stored, and its drive is derived from what it streamed', async () => {
    const c = car(OWNER_VIN);
    await c.connect();
    c.send(rec(OWNER_VIN, 0, [gear('P'), text('Odometer', 500), text('VehicleSpeed', 0), text('RatedRange', 200), text('BatteryLevel', 80)]));
    c.send(rec(OWNER_VIN, 60, [gear('D')]));
    c.send(rec(OWNER_VIN, 180, [text('VehicleSpeed', 30), text('Odometer', 501)]));
    c.send(rec(OWNER_VIN, 300, [gear('P'), text('VehicleSpeed', 0), text('Odometer', 502), text('RatedRange', 198)]));
    expect(await until(() => c.acks === 4)).toBe(true);
    expect(c.pending).toBe(0);
    const drives = await history.listDrives(OWNER_VIN, { fromMs: 0, toMs: T0 + 86_400_000, limit: 10 });
    expect(drives.items.map((d) => [d.distanceMi, d.start.at, d.end.at])).toEqual([[2, T0 + 59_000, T0 + 300_000]]);
    expect((await stores.latestSnapshot(OWNER_VIN))?.takenAt).toBe(T0 + 300_000);
    // The receiver told the recorder the car connected, then that it disconnected.
    expect((await streamStates.getStreamWatch(OWNER_VIN))?.connection?.connected).toBe(true);
    c.close();
    expect(await until(() => events.some((e) => e.includes('DISCONNECTED')))).toBe(true);
    await settle();
    expect((await streamStates.getStreamWatch(OWNER_VIN))?.connection?.connected).toBe(false);
  });

  it('loses nothing when the store fails or the receiver restarts: the car keeps the record and sends it again, stored once', async () => {
    const c = car(OWNER_VIN);
    await c.connect();
    sinkFault = () => new Error('SQS unavailable');
    c.send(rec(OWNER_VIN, 400, [text('BatteryLevel', 79)]));
    await until(() => receiver.stats.dispatchFailures > 0);
    await settle();
    expect(c.acks).toBe(0);
    expect(c.pending).toBe(1);
    // The receiver restarts (same port) while the car holds the record; the store works again.
    const port = receiver.port;
    await receiver.close();
    expect(await c.closed(2_000)).toBe(true);
    sinkFault = null;
    receiver = await startReceiver(port);
    const before = sunk.length;
    await c.connect();
    expect(await until(() => c.pending === 0)).toBe(true);
    expect(c.acks).toBe(1);
    expect(sunk.slice(before).map((s) => JSON.parse(s) as { isResend: boolean; vin: string })).toEqual([
      expect.objectContaining({ isResend: true, vin: OWNER_VIN }),
    ]);
    expect((await stores.latestSnapshot(OWNER_VIN))?.takenAt).toBe(T0 + 400_000);
    c.close();
  });
});

describe('the receiver’s refusals: each refused, nothing stored, the receiver up', () => {
  /** The owner's car still streams and is stored afterwards: the receiver is up. */
  async function receiverStillServes(second: number): Promise<void> {
    const c = car(OWNER_VIN);
    await c.connect();
    c.send(rec(OWNER_VIN, second, [text('BatteryLevel', 70)]));
    expect(await until(() => c.acks === 1)).toBe(true);
    expect((await stores.latestSnapshot(OWNER_VIN))?.takenAt).toBe(T0 + second * 1000);
    c.close();
  }

  it('a certificate from another CA (even one named as Tesla’s) is refused in the TLS handshake', async () => {
    const rogue = makeCa(tmpdir(), 'Tesla Issuing CA');
    const before = { sunk: sunk.length, refused: receiver.stats.refusedHandshakes };
    const c = car(OWNER_VIN, makeCarCert(rogue, OWNER_VIN));
    await expect(c.connect()).rejects.toThrow();
    expect(await until(() => receiver.stats.refusedHandshakes > before.refused)).toBe(true);
    // No certificate at all is refused the same way.
    const bare = new TelemetryCarClient({ url: `wss://127.0.0.1:${receiver.port}/`, vin: OWNER_VIN, key: '', cert: '', ca: serverCa, serverName: HOST });
    await expect(bare.connect()).rejects.toThrow();
    expect(sunk.length).toBe(before.sunk);
    await receiverStillServes(500);
  });

  it('a car not the owner’s is refused at the receiver’s bridge (unacked) and stored nowhere, even when its record names the owner’s VIN', async () => {
    const before = { sunk: sunk.length };
    const c = car(STRANGER_VIN);
    await c.connect();
    c.send(rec(STRANGER_VIN, 600, [text('BatteryLevel', 10)]));
    // The certificate's VIN replaces the one in the record: a stranger cannot write into the owner's history.
    c.send(rec(OWNER_VIN, 601, [text('BatteryLevel', 11)]));
    expect(await until(() => receiver.stats.dispatchFailures >= 2)).toBe(true);
    await settle();
    expect([c.acks, c.pending]).toEqual([0, 2]);
    // Neither its records nor its connection events got past the bridge.
    expect(sunk.length).toBe(before.sunk);
    expect(events.filter((e) => e.includes(STRANGER_VIN))).toEqual([]);
    expect(await stores.latestSnapshot(STRANGER_VIN)).toBeNull();
    expect((await stores.latestSnapshot(OWNER_VIN))?.takenAt).toBe(T0 + 500_000);
    c.close();
    await receiverStillServes(602);
  });

  it('a malformed envelope, an undecodable record, an oversized message and a text frame are refused', async () => {
    const c = car(OWNER_VIN);
    await c.connect();
    const before = sunk.length;
    // Not an envelope: acked, so the car stops sending it, and dispatched nowhere.
    c.sendRaw(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    // An envelope whose record is not protobuf: an error answer.
    const envelope = (payload: Uint8Array, txid: string) =>
      encodeStreamMessage({
        txid,
        topic: 'V',
        messageId: 'm',
        senderId: `vehicle_device.${OWNER_VIN}`,
        deviceType: 'vehicle_device',
        deviceId: OWNER_VIN,
        createdAt: 0,
        payload,
      });
    c.sendRaw(envelope(Uint8Array.from([0x0a, 0xff, 0x01]), 'bad-proto'));
    // Over fleet-telemetry's 1,000,000-byte limit: an error answer.
    c.sendRaw(envelope(new Uint8Array(1_000_001), 'too-big'));
    expect(await until(() => c.answers.length === 3)).toBe(true);
    expect(c.answers).toEqual([
      { type: MESSAGE_TYPE.ack, txid: '' },
      { type: MESSAGE_TYPE.stream, txid: 'bad-proto' },
      { type: MESSAGE_TYPE.stream, txid: '' },
    ]);
    // A text frame ends the connection.
    c.sendRaw('hello');
    expect(await c.closed(2_000)).toBe(true);
    expect(sunk.length).toBe(before);
    await receiverStillServes(700);
  });

  it('a flood past the deployed rate limit is dropped unanswered, and another car is still served', async () => {
    const flood = car(STRANGER_VIN);
    await flood.connect();
    const limit = (fleetTelemetryConfig().rate_limit as { message_limit: number }).message_limit;
    const before = { sunk: sunk.length, limited: receiver.stats.rateLimited };
    // A topic nobody takes: acked at once, so the flood measures the receiver, not the store.
    const noise = rec(STRANGER_VIN, 800, [text('BatteryLevel', 1)]);
    for (let i = 0; i < limit + 200; i++) flood.send(noise, 'canlogs');
    expect(await until(() => receiver.stats.rateLimited - before.limited === 200, 20_000)).toBe(true);
    expect(await until(() => flood.acks === limit, 20_000)).toBe(true);
    await settle();
    expect(flood.pending).toBe(200);
    expect(sunk.length).toBe(before.sunk);
    await receiverStillServes(801);
    flood.close();
  }, 60_000);
});
