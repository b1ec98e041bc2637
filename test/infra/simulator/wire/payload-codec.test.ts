import { describe, expect, it } from '@jest/globals';
import { decodePayload, encodePayload } from '../../../../infra/simulator/wire/payload-codec';
import { WireError } from '../../../../infra/simulator/wire/envelope';
import { ProtoWriter } from '../../../../shared/vcp/protobuf';
import { parseStreamRecord } from '../../../../shared/domain/telemetry/stream-record';

const VIN = '5YJ3E7EA3LF760000';
const record = {
  data: [
    { key: 'Gear', value: { shiftStateValue: 'ShiftStateD' } },
    { key: 'Odometer', value: { stringValue: '12345.6' } },
    { key: 'VehicleSpeed', value: { doubleValue: 31.25 } },
    { key: 'BatteryLevel', value: { floatValue: 80.3 } },
    { key: 'RatedRange', value: { intValue: -2 } },
    { key: 'LifetimeEnergyUsed', value: { longValue: '9007199254740993' } },
    { key: 'Location', value: { locationValue: { latitude: 37.412374, longitude: -122.145867 } } },
    { key: 'DetailedChargeState', value: { detailedChargeStateValue: 'DetailedChargeStateCharging' } },
    { key: 'FastChargerPresent', value: { booleanValue: true } },
    { key: 'SentryMode', value: { sentryModeStateValue: 'SentryModeStateArmed' } },
    { key: 'OutsideTemp', value: { invalid: true } },
  ],
  createdAt: '2026-11-03T07:41:12.500Z',
  vin: VIN,
  isResend: true,
};

describe('the Payload codec (vehicle_data.proto, facts in vehicle-data-proto.json)', () => {
  it('decodes what it encodes into protojson as the server hands it on, and the recorder reads it', () => {
    const decoded = decodePayload(encodePayload(record));
    // float32 is written with its shortest digits, int64 as a string, as protojson writes them.
    expect(decoded).toEqual(record);
    const parsed = parseStreamRecord(JSON.parse(JSON.stringify(decoded)));
    expect(parsed.ok && parsed.record.data.get('Gear')).toEqual({ kind: 'enum', value: 'ShiftStateD' });
    expect(parsed.ok && parsed.record.createdAt).toBe(Date.parse(record.createdAt));
  });

  it('writes the bytes protobuf does, checked by hand against the wire format', () => {
    const bytes = encodePayload({
      data: [{ key: 'Gear', value: { shiftStateValue: 'ShiftStateP' } }],
      createdAt: '1970-01-01T00:00:01Z',
      vin: 'V',
      isResend: false,
    });
    // data (1, LEN 6): Datum { key (1) = Gear 10, value (2, LEN 2): Value { shift_state_value (9) = P 2 } };
    // created_at (2, LEN 2): { seconds (1) = 1 }; vin (3, LEN 1) 'V'
    expect(Buffer.from(bytes).toString('hex')).toBe('0a06080a12024802' + '12020801' + '1a0156');
  });

  it('emits unpopulated fields and gives a Field or enum it has no name for by number, as protojson does', () => {
    const unknownKey = new ProtoWriter().message(1, (d) => d.uint(1, 9999).message(2, (v) => v.uint(9, 77))).finish();
    expect(decodePayload(unknownKey)).toEqual({ data: [{ key: 9999, value: { shiftStateValue: 77 } }], createdAt: null, vin: '', isResend: false });
  });

  it('throws on a truncated or mistyped message instead of reading past its end', () => {
    const bytes = encodePayload(record);
    expect(() => decodePayload(bytes.subarray(0, bytes.length - 3))).toThrow(WireError);
    expect(() => decodePayload(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrow(WireError);
    expect(() => decodePayload(new ProtoWriter().uint(3, 1).finish())).toThrow(WireError);
    expect(() => decodePayload(Uint8Array.from([0x00]))).toThrow(WireError);
  });

  it('refuses to encode a field or value it has no fact for', () => {
    expect(() => encodePayload({ ...record, data: [{ key: 'NoSuchField', value: { stringValue: 'x' } }] })).toThrow(/no field named/);
    expect(() => encodePayload({ ...record, data: [{ key: 'Gear', value: { shiftStateValue: 'ShiftStateX' } }] })).toThrow(/no fact/);
  });
});
