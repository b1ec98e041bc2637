import { Builder } from 'flatbuffers';

/** Bytes that are not the message they should be: the server answers with an error (or an ack), never data. */
export class WireError extends Error {}

/**
 * The FlatBuffers envelope a car and Tesla's fleet-telemetry server exchange over the WebSocket (facts from the
 * server's messages/tesla package, v0.9.4): a `FlatbuffersEnvelope` table — txid (slot 0), topic (1), message type
 * (2: 4 a stream message, 5 an ack), the message (3), message id (4) — whose message is a `FlatbuffersStream` table —
 * created at (slot 0, uint32 s), sender id (1), payload (2, the protobuf record), device type (3), device id (4),
 * delivered at (5, uint64 ms). Byte strings are written as the Go builder's CreateByteString writes them (a vector
 * with a trailing zero). Reading checks every offset against the buffer.
 */
export const MESSAGE_TYPE = { stream: 4, ack: 5 } as const;

export interface StreamMessage {
  txid: string;
  topic: string;
  messageId: string;
  senderId: string;
  deviceType: string;
  deviceId: string;
  /** Seconds. */
  createdAt: number;
  payload: Uint8Array;
  deliveredAtEpochMs?: number;
}

export function encodeStreamMessage(m: StreamMessage): Uint8Array {
  const b = new Builder(256);
  const sender = b.createString(m.senderId);
  const payload = b.createString(m.payload);
  const deviceType = b.createString(m.deviceType);
  const deviceId = b.createString(m.deviceId);
  b.startObject(6);
  b.addFieldOffset(1, sender, 0);
  b.addFieldInt32(0, m.createdAt | 0, 0);
  b.addFieldOffset(2, payload, 0);
  b.addFieldOffset(3, deviceType, 0);
  b.addFieldOffset(4, deviceId, 0);
  b.addFieldInt64(5, BigInt(m.deliveredAtEpochMs ?? 0), 0n);
  return finishEnvelope(b, m.txid, m.topic, b.endObject(), m.messageId, MESSAGE_TYPE.stream);
}

/** The server's ack: an envelope of type 5 naming the record's txid and topic. */
export function encodeAck(txid: string, topic: string): Uint8Array {
  const b = new Builder(64);
  return finishEnvelope(b, txid, topic, b.createString(''), '', MESSAGE_TYPE.ack);
}

/** The server's answer to a record it could not take: a stream message carrying the txid and the error's text. */
export function encodeError(txid: string, text: string): Uint8Array {
  return encodeStreamMessage({
    txid,
    topic: '',
    messageId: '',
    senderId: '',
    deviceType: '',
    deviceId: '',
    createdAt: 0,
    payload: new TextEncoder().encode(text),
  });
}

function finishEnvelope(b: Builder, txid: string, topic: string, message: number, messageId: string, type: number): Uint8Array {
  const txidVector = b.createString(txid);
  const topicVector = b.createString(topic);
  const messageIdVector = b.createString(messageId);
  b.startObject(5);
  b.addFieldOffset(0, txidVector, 0);
  b.addFieldOffset(1, topicVector, 0);
  b.addFieldInt8(2, type, 0);
  b.addFieldOffset(3, message, 0);
  b.addFieldOffset(4, messageIdVector, 0);
  b.finish(b.endObject());
  return b.asUint8Array().slice();
}

export interface Envelope {
  type: number;
  txid: string;
  topic: string;
  messageId: string;
  /** The stream message, when the type is 4 and it reads. */
  stream: Omit<StreamMessage, 'txid' | 'topic' | 'messageId'> | null;
}

/** Reads an envelope; bytes that are not one throw WireError. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  const r = new TableReader(bytes);
  const root = r.root();
  const type = r.u8Field(root, 2);
  const message = r.tableField(root, 3);
  if (message === null) throw new WireError('the envelope has no message');
  return {
    type,
    txid: r.text(root, 0),
    topic: r.text(root, 1),
    messageId: r.text(root, 4),
    stream:
      type === MESSAGE_TYPE.stream
        ? {
            createdAt: r.u32Field(message, 0),
            senderId: r.text(message, 1),
            payload: r.bytesField(message, 2),
            deviceType: r.text(message, 3),
            deviceId: r.text(message, 4),
            deliveredAtEpochMs: Number(r.u64Field(message, 5)),
          }
        : null,
  };
}

/** A FlatBuffers table reader that refuses any offset outside the buffer. */
class TableReader {
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  root(): number {
    return this.table(this.u32(0));
  }

  u8Field(table: number, slot: number): number {
    const at = this.fieldAt(table, slot);
    if (at === null) return 0;
    this.check(at, 1);
    return this.view.getUint8(at);
  }

  u32Field(table: number, slot: number): number {
    const at = this.fieldAt(table, slot);
    return at === null ? 0 : this.u32(at);
  }

  u64Field(table: number, slot: number): bigint {
    const at = this.fieldAt(table, slot);
    if (at === null) return 0n;
    this.check(at, 8);
    return this.view.getBigUint64(at, true);
  }

  tableField(table: number, slot: number): number | null {
    const at = this.fieldAt(table, slot);
    return at === null ? null : this.table(at + this.u32(at));
  }

  bytesField(table: number, slot: number): Uint8Array {
    const at = this.fieldAt(table, slot);
    if (at === null) return new Uint8Array(0);
    const vector = at + this.u32(at);
    const length = this.u32(vector);
    this.check(vector + 4, length);
    return this.bytes.subarray(vector + 4, vector + 4 + length);
  }

  text(table: number, slot: number): string {
    return new TextDecoder().decode(this.bytesField(table, slot));
  }

  private table(at: number): number {
    this.check(at, 4);
    const vtable = at - this.view.getInt32(at, true);
    this.check(vtable, 4);
    this.check(vtable, this.view.getUint16(vtable, true));
    return at;
  }

  private fieldAt(table: number, slot: number): number | null {
    const vtable = table - this.view.getInt32(table, true);
    const entry = 4 + 2 * slot;
    if (entry >= this.view.getUint16(vtable, true)) return null;
    const offset = this.view.getUint16(vtable + entry, true);
    return offset === 0 ? null : table + offset;
  }

  private u32(at: number): number {
    this.check(at, 4);
    return this.view.getUint32(at, true);
  }

  /** Throws unless [at, at + length) lies in the buffer. */
  private check(at: number, length: number): void {
    if (!Number.isInteger(at) || at < 0 || length < 0 || at + length > this.bytes.length) throw new WireError('an offset points outside the message');
  }
}
