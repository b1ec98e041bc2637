import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Log } from '../../shared/domain/stores';
import { decodeEnvelope, encodeAck, encodeError, MESSAGE_TYPE, WireError } from './wire/envelope';
import { decodePayload } from './wire/payload-codec';

/**
 * A stand-in for Tesla's fleet-telemetry server (its Go source, v0.9.4), for tests and the local host: Tesla's own
 * image cannot run on these machines. It runs the configuration the stack deploys (`fleetTelemetryConfig()`) and
 * does what the server's source says it does with it, so that a change of that configuration, of the bridge or of
 * the recorder is tested against the car's side of the wire:
 * - mutual TLS: a client certificate that does not verify against the cars' CA is refused in the handshake; the
 *   issuer's name must be one of Tesla's, and the certificate's common name is the VIN (`.` read as `-`);
 * - binary WebSocket messages, each a FlatBuffers envelope around a protobuf record; a text message closes the socket;
 * - per connection, at most `message_limit` messages in `message_interval_time` s: the rest are dropped unanswered;
 * - a message over 1,000,000 bytes, a sender id that is not the certificate's on a topic nobody takes, or a record
 *   that does not decode is answered with an error; an envelope that does not read is answered with an ack (so the
 *   car stops sending it) and dispatched nowhere;
 * - a record's VIN is the certificate's, whatever the record says;
 * - `V` records go decoded (protojson) to the Kinesis dispatcher (`PutRecord` at `kinesis.override_host`, one retry)
 *   and, with `reliable_ack_sources`, are acked only once it succeeded; otherwise at once;
 * - a connection opening and closing each makes a `connectivity` event, dispatched as the configuration says.
 * Messages on one connection are handled one after another, as the server's read loop does.
 */
export interface SimReceiverOptions {
  /** fleet-telemetry's configuration, as deployed. */
  config: Record<string, unknown>;
  tls: { key: string; cert: string };
  /** The CA the cars' certificates are checked against (Tesla's, in the real server). */
  clientCa: string;
  log: Log;
  port?: number;
  /** The clock the rate limit counts by (wall time, as the server's; the bench gives its simulated time). */
  now?: () => number;
}

/** The issuer names fleet-telemetry takes a vehicle's certificate from (messages/identity.go). */
export const VEHICLE_ISSUERS = ['TeslaMotors', 'Tesla Issuing CA', 'Tesla Motors Products CA'];
/** fleet-telemetry's telemetry.SizeLimit. */
export const RECORD_SIZE_LIMIT = 1_000_000;
const KINESIS_TARGET = 'Kinesis_20131202';
const DISPATCH_DEADLINE_MS = 5_000;

interface ReceiverConfig {
  reliableAck: Set<string>;
  transmitDecoded: boolean;
  rateLimit: { enabled: boolean; limit: number; intervalMs: number };
  records: Record<string, string[]>;
  kinesis: { host: string; streams: Record<string, string>; retries: number };
}

export interface SimReceiverStats {
  connections: number;
  refusedHandshakes: number;
  acks: number;
  errors: number;
  rateLimited: number;
  dispatched: number;
  dispatchFailures: number;
}

export interface SimReceiver {
  port: number;
  stats: SimReceiverStats;
  close(): Promise<void>;
}

export async function startSimReceiver(options: SimReceiverOptions): Promise<SimReceiver> {
  const config = readConfig(options.config);
  const stats: SimReceiverStats = { connections: 0, refusedHandshakes: 0, acks: 0, errors: 0, rateLimited: 0, dispatched: 0, dispatchFailures: 0 };
  // The Kinesis dispatcher lists streams when it starts; the server does not start if that fails.
  await kinesisCall(config, 'ListStreams', { Limit: 1 });
  const server: Server = createServer({ ...options.tls, ca: options.clientCa, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' });
  server.on('tlsClientError', () => (stats.refusedHandshakes += 1));
  // The Go server reads a message of any size, then refuses one over its limit with an error: read past it here too.
  const sockets = new WebSocketServer({ server, maxPayload: 4 * RECORD_SIZE_LIMIT });
  sockets.on('connection', (ws, request) => {
    const vin = vinOf((request.socket as TLSSocket).getPeerCertificate());
    if (vin === null) {
      options.log.warn('sim receiver: certificate not from a vehicle issuer');
      ws.close();
      return;
    }
    stats.connections += 1;
    serve(ws, vin, config, stats, options.log, options.now ?? Date.now);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.close(() => resolve());
      }),
  };
}

function vinOf(cert: { issuer?: { CN?: string | string[] }; subject?: { CN?: string | string[] } }): string | null {
  const issuer = cert.issuer?.CN;
  const subject = cert.subject?.CN;
  if (typeof issuer !== 'string' || !VEHICLE_ISSUERS.includes(issuer) || typeof subject !== 'string') return null;
  return subject.replaceAll('.', '-');
}

function serve(ws: WebSocket, vin: string, config: ReceiverConfig, stats: SimReceiverStats, log: Log, clock: () => number): void {
  const senderId = `vehicle_device.${vin}`;
  // The server's connectivity events, decoded as it dispatches them (protos/vehicle_connectivity.proto).
  const connectionId = randomUUID();
  const connectivity = (status: 'CONNECTED' | 'DISCONNECTED') =>
    produce(
      config,
      'connectivity',
      vin,
      Buffer.from(JSON.stringify({ vin, connectionId, status, createdAt: new Date(clock()).toISOString(), networkInterface: '' })),
      stats,
      log,
    );
  const recent: number[] = [];
  let queue: Promise<unknown> = connectivity('CONNECTED');
  ws.on('close', () => void queue.then(() => connectivity('DISCONNECTED')));
  const send = (bytes: Uint8Array, kind: 'acks' | 'errors') => {
    stats[kind] += 1;
    if (ws.readyState === ws.OPEN) ws.send(bytes);
  };
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return ws.close();
    const now = clock();
    while (recent.length > 0 && now - recent[0]! >= config.rateLimit.intervalMs) recent.shift();
    if (recent.length >= config.rateLimit.limit && config.rateLimit.enabled) {
      stats.rateLimited += 1;
      return;
    }
    recent.push(now);
    const message = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
    queue = queue.then(() => handle(message)).catch((e: unknown) => log.error('sim receiver: message not handled', { error: String(e) }));
  });

  async function handle(message: Buffer): Promise<void> {
    if (message.length > RECORD_SIZE_LIMIT) return send(encodeError('', 'incorrect message format'), 'errors');
    let envelope;
    try {
      envelope = decodeEnvelope(message);
    } catch {
      // UnknownMessageType: acked so that the car stops sending it; it goes nowhere.
      return send(encodeAck('', ''), 'acks');
    }
    if (envelope.type !== MESSAGE_TYPE.stream || envelope.stream === null) return send(encodeAck(envelope.txid, ''), 'acks');
    const topic = envelope.topic;
    const producers = config.records[topic];
    const ack = () => send(encodeAck(envelope.txid, topic), 'acks');
    const refuse = () => send(encodeError(envelope.txid, 'incorrect message format'), 'errors');
    if (producers === undefined) {
      if (envelope.stream.senderId !== senderId && envelope.stream.senderId !== vin) return refuse();
      return ack();
    }
    let payload: Uint8Array = envelope.stream.payload;
    if (topic === 'V') {
      try {
        // The record's VIN is the certificate's.
        const decoded = { ...decodePayload(payload), vin };
        payload = config.transmitDecoded ? Buffer.from(JSON.stringify(decoded)) : payload;
      } catch (e) {
        if (!(e instanceof WireError)) throw e;
        return refuse();
      }
    }
    const stored = await produce(config, topic, vin, payload, stats, log);
    if (!config.reliableAck.has(topic) || stored) ack();
  }
}

/** Hands a record to each producer its topic is configured with; true when the Kinesis dispatcher confirmed it. */
async function produce(config: ReceiverConfig, topic: string, vin: string, payload: Uint8Array, stats: SimReceiverStats, log: Log): Promise<boolean> {
  let stored = false;
  for (const producer of config.records[topic] ?? []) {
    if (producer === 'kinesis') stored = (await dispatch(config, topic, vin, payload, stats, log)) || stored;
    else log.info('sim receiver: record', { topic, vin });
  }
  return stored;
}

async function dispatch(config: ReceiverConfig, topic: string, vin: string, data: Uint8Array, stats: SimReceiverStats, log: Log): Promise<boolean> {
  const stream = config.kinesis.streams[topic];
  if (stream === undefined) return false;
  for (let attempt = 0; attempt <= config.kinesis.retries; attempt++) {
    try {
      await kinesisCall(config, 'PutRecord', { StreamName: stream, Data: Buffer.from(data).toString('base64'), PartitionKey: vin });
      stats.dispatched += 1;
      return true;
    } catch (e) {
      log.warn('sim receiver: PutRecord failed', { attempt, error: e instanceof Error ? e.message : String(e) });
    }
  }
  stats.dispatchFailures += 1;
  return false;
}

async function kinesisCall(config: ReceiverConfig, operation: string, body: unknown): Promise<unknown> {
  const response = await fetch(config.kinesis.host, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `${KINESIS_TARGET}.${operation}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(DISPATCH_DEADLINE_MS),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${operation}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as unknown;
}

function readConfig(c: Record<string, unknown>): ReceiverConfig {
  const object = (v: unknown, name: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null) throw new Error(`fleet-telemetry config: ${name} missing`);
    return v as Record<string, unknown>;
  };
  const rate = object(c.rate_limit ?? {}, 'rate_limit');
  const kinesis = object(c.kinesis, 'kinesis');
  return {
    reliableAck: new Set(Object.keys(object(c.reliable_ack_sources ?? {}, 'reliable_ack_sources'))),
    transmitDecoded: c.transmit_decoded_records === true,
    // Without its own settings, the server still limits each connection to 100 messages a minute, and only logs.
    rateLimit: {
      enabled: rate.enabled === true,
      limit: Number(rate.message_limit ?? 100),
      intervalMs: Number(rate.message_interval_time ?? 60) * 1000,
    },
    records: object(c.records, 'records') as Record<string, string[]>,
    kinesis: {
      host: String(kinesis.override_host),
      streams: object(kinesis.streams, 'kinesis.streams') as Record<string, string>,
      retries: Number(kinesis.max_retries ?? 3),
    },
  };
}
