import { describe, expect, it } from '@jest/globals';
import { Builder } from 'flatbuffers';
import { decodeEnvelope, encodeAck, encodeError, encodeStreamMessage, MESSAGE_TYPE, WireError } from '../../../../infra/simulator/wire/envelope';

const message = {
  txid: 'tx-1',
  topic: 'V',
  messageId: 'm-1',
  senderId: 'vehicle_device.5YJ3E7EA3LF760000',
  deviceType: 'vehicle_device',
  deviceId: '5YJ3E7EA3LF760000',
  createdAt: 1_780_000_000,
  payload: Uint8Array.from([0x0a, 0x00, 0xff]),
  deliveredAtEpochMs: 1_780_000_000_123,
};

describe('the FlatBuffers envelope (fleet-telemetry messages/tesla, v0.9.4)', () => {
  it('reads back a stream message, an ack and an error answer', () => {
    const { txid, topic, messageId, ...stream } = message;
    expect(decodeEnvelope(encodeStreamMessage(message))).toEqual({ type: MESSAGE_TYPE.stream, txid, topic, messageId, stream });
    expect(decodeEnvelope(encodeAck('tx-1', 'V'))).toEqual({ type: MESSAGE_TYPE.ack, txid: 'tx-1', topic: 'V', messageId: '', stream: null });
    const error = decodeEnvelope(encodeError('tx-2', 'incorrect message format'));
    expect([error.type, error.txid, Buffer.from(error.stream!.payload).toString()]).toEqual([MESSAGE_TYPE.stream, 'tx-2', 'incorrect message format']);
  });

  it('reads the fields from the slots the server’s generated code reads, whatever order a builder wrote them in', () => {
    // Written field by field in reverse, with plain vectors (no trailing zero): only the slots say what is what.
    const b = new Builder(64);
    const payload = b.createByteVector(Uint8Array.from([7, 8]));
    const sender = b.createByteVector(new TextEncoder().encode('vehicle_device.X'));
    b.startObject(6);
    b.addFieldInt64(5, 42n, 0n);
    b.addFieldOffset(2, payload, 0);
    b.addFieldOffset(1, sender, 0);
    b.addFieldInt32(0, 1234, 0);
    const stream = b.endObject();
    const txid = b.createByteVector(new TextEncoder().encode('t'));
    const topic = b.createByteVector(new TextEncoder().encode('V'));
    b.startObject(5);
    b.addFieldOffset(3, stream, 0);
    b.addFieldInt8(2, 4, 0);
    b.addFieldOffset(1, topic, 0);
    b.addFieldOffset(0, txid, 0);
    b.finish(b.endObject());
    const decoded = decodeEnvelope(b.asUint8Array());
    expect([decoded.type, decoded.txid, decoded.topic, decoded.messageId]).toEqual([4, 't', 'V', '']);
    expect(decoded.stream).toEqual({
      createdAt: 1234,
      senderId: 'vehicle_device.X',
      payload: Uint8Array.from([7, 8]),
      deviceType: '',
      deviceId: '',
      deliveredAtEpochMs: 42,
    });
  });

  it('refuses bytes that are not an envelope with a WireError, never by reading outside them', () => {
    const bytes = encodeStreamMessage(message);
    for (let cut = 0; cut < bytes.length; cut += 7) expect(() => decodeEnvelope(bytes.subarray(0, cut))).toThrow(WireError);
    // Random bytes: either an envelope or a WireError, nothing else.
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 256;
    for (let i = 0; i < 2_000; i++) {
      const noise = Uint8Array.from({ length: 4 + (i % 60) }, random);
      try {
        decodeEnvelope(noise);
      } catch (e) {
        expect(e).toBeInstanceOf(WireError);
      }
    }
  });
});
