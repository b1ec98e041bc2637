import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { SimStreamRecord } from './sim-stream';
import { decodeEnvelope, encodeStreamMessage, MESSAGE_TYPE } from './wire/envelope';
import { encodePayload } from './wire/payload-codec';

/**
 * The car's end of Fleet Telemetry on the wire: a WebSocket over mutual TLS (the car's certificate, whose common name
 * is its VIN), each record a FlatBuffers envelope around the protobuf `Payload`, sent as a binary message. The car
 * keeps every record until the server acks its txid; after a reconnection it sends the ones still held again, marked
 * `is_resend`. An error answer is counted and the record dropped (the server will not take it however often it is
 * sent).
 */
export interface TelemetryClientOptions {
  /** wss://host:port/ */
  url: string;
  vin: string;
  /** The car's key and certificate (PEM). */
  key: string;
  cert: string;
  /** The CA the car's configuration names for the server. */
  ca: string;
  /** The host name the configuration names, checked against the server's certificate. */
  serverName: string;
}

export type Answer = 'acked' | 'refused' | 'unanswered';

export class TelemetryCarClient {
  private socket: WebSocket | null = null;
  private readonly held = new Map<string, { record: SimStreamRecord; topic: string }>();
  private readonly waiting = new Map<string, (answer: Answer) => void>();
  acks = 0;
  errors = 0;
  sent = 0;
  /** Every answer the server sent, in order, whether or not it names a record held. */
  readonly answers: Array<{ type: number; txid: string }> = [];

  constructor(private readonly options: TelemetryClientOptions) {}

  /** Connects (or reconnects) and sends every record still held, as a resend. */
  async connect(): Promise<void> {
    const { url, key, cert, ca, serverName } = this.options;
    // ws hands these to tls.connect, which checks the server's certificate against `servername`.
    const tls: WebSocket.ClientOptions & { servername: string } = { key, cert, ca, servername: serverName, rejectUnauthorized: true };
    const socket = new WebSocket(url, tls);
    socket.on('message', (data, isBinary) => isBinary && this.answer(data as Buffer));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('closed before it opened')));
    });
    socket.on('error', () => undefined);
    this.socket = socket;
    for (const [txid, { record, topic }] of this.held) this.transmit(txid, { ...record, isResend: true }, topic);
  }

  /** Sends a record and holds it until the server acks it; returns its txid. */
  send(record: SimStreamRecord, topic = 'V'): string {
    const txid = randomUUID();
    this.held.set(txid, { record, topic });
    this.transmit(txid, record, topic);
    return txid;
  }

  /**
   * Sends a record and waits for the server's answer: `acked`, `refused` (an error answer), or `unanswered` after `ms`
   * (the record is then still held, and sent again on the next connection).
   */
  deliver(record: SimStreamRecord, ms: number): Promise<Answer> {
    const txid = this.send(record);
    if (!this.held.has(txid)) return Promise.resolve('acked');
    return new Promise((resolve) => {
      const timer = setTimeout(() => (this.waiting.delete(txid), resolve('unanswered')), ms);
      this.waiting.set(txid, (answer) => (clearTimeout(timer), resolve(answer)));
    });
  }

  /** Sends bytes as they are (a malformed envelope, a text frame): for testing the server's refusals. */
  sendRaw(bytes: Uint8Array | string): void {
    this.socket?.send(bytes, { binary: typeof bytes !== 'string' });
  }

  /** The records sent and not acked yet. */
  get pending(): number {
    return this.held.size;
  }

  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Waits until the socket closes (or `ms` passes); true if it did. */
  closed(ms: number): Promise<boolean> {
    const socket = this.socket;
    if (socket === null || socket.readyState === WebSocket.CLOSED) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      socket.once('close', () => (clearTimeout(timer), resolve(true)));
    });
  }

  close(): void {
    this.socket?.terminate();
    this.socket = null;
  }

  private transmit(txid: string, record: SimStreamRecord, topic = 'V'): void {
    const vin = this.options.vin;
    const bytes = encodeStreamMessage({
      txid,
      topic,
      messageId: randomUUID(),
      senderId: `vehicle_device.${vin}`,
      deviceType: 'vehicle_device',
      deviceId: vin,
      createdAt: Math.floor(Date.parse(record.createdAt) / 1000),
      payload: encodePayload(record),
    });
    this.sent += 1;
    this.socket?.send(bytes, { binary: true });
  }

  private answer(bytes: Buffer): void {
    let envelope;
    try {
      envelope = decodeEnvelope(bytes);
    } catch {
      return;
    }
    this.answers.push({ type: envelope.type, txid: envelope.txid });
    const answer: Answer | null = envelope.type === MESSAGE_TYPE.ack ? 'acked' : envelope.type === MESSAGE_TYPE.stream ? 'refused' : null;
    if (answer === null || !this.held.delete(envelope.txid)) return;
    if (answer === 'acked') this.acks += 1;
    else this.errors += 1;
    this.waiting.get(envelope.txid)?.(answer);
    this.waiting.delete(envelope.txid);
  }
}
