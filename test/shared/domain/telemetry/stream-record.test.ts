import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SIGNALS } from '../../../../shared/domain/telemetry/signal-set';
import { EDGE_FIELDS, snapshotOf } from '../../../../shared/domain/telemetry/stream-fold';
import { numberOf, parseStreamRecord, valueOf } from '../../../../shared/domain/telemetry/stream-record';

/** Facts of the wire format: fleet-telemetry v0.9.4's vehicle_data.proto (enum names and numbers, the Value oneof). */
const PROTO = JSON.parse(readFileSync(join('infra', 'simulator', 'wire', 'vehicle-data-proto.json'), 'utf8')) as {
  field: Record<string, number>;
  shiftState: Record<string, number>;
  detailedChargeState: Record<string, number>;
  sentryModeState: Record<string, number>;
  fastCharger: Record<string, number>;
  valueOneof: Array<{ type: string; name: string; number: number }>;
};
/** protojson writes a field by its lowerCamelCase JSON name. */
const jsonName = (protoName: string) => protoName.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const VIN = '5YJ3E7EA3LF760000';
/** A record as the server dispatches it with transmit_decoded_records (protojson, unpopulated fields emitted). */
const record = (data: Array<{ key: string | number; value: unknown }>, over: Record<string, unknown> = {}) => ({
  data,
  createdAt: '2026-11-03T07:41:12.500Z',
  vin: VIN,
  isResend: false,
  ...over,
});

describe('the stream’s wire format (contract with fleet-telemetry’s protos)', () => {
  it('every signal configured by default, and every field the history reads, is a field of the proto', () => {
    const read = snapshotReads();
    for (const name of [...DEFAULT_SIGNALS.map((s) => s.name), ...EDGE_FIELDS, ...read]) expect(PROTO.field).toHaveProperty(name);
    expect(read.length).toBeGreaterThan(20);
  });

  it('reads every kind of Value the proto has: numbers, text, booleans, a location, invalid, and the enums by name', () => {
    const kinds = new Set<string>();
    for (const { type, name } of PROTO.valueOneof) {
      const sample =
        name === 'location_value'
          ? { latitude: 1, longitude: 2 }
          : name === 'invalid'
            ? true
            : type === 'string'
              ? 'x'
              : type === 'bool'
                ? true
                : /int|float|double/.test(type)
                  ? 1
                  : /^[A-Z]/.test(type) && PROTO.valueOneof.some((v) => v.type === type)
                    ? `${type}Something`
                    : null;
      if (sample === null) continue;
      kinds.add(valueOf({ [jsonName(name)]: sample }).kind);
    }
    expect([...kinds].sort()).toEqual(['boolean', 'enum', 'invalid', 'location', 'number', 'text']);
    // A message value this system does not read (doors, a tyre location, a time) is not taken for anything.
    expect(valueOf({ doorValue: { DriverFront: true } })).toEqual({ kind: 'invalid' });
  });

  it('maps the gears, charge states and sentry states the proto names, and no other', () => {
    const gearOf = (name: string) =>
      snapshotOf({ vin: VIN, at: 0, fields: { Gear: { kind: 'enum', value: name }, Odometer: { kind: 'number', value: 1 } } }).shiftState;
    expect(Object.keys(PROTO.shiftState).map(gearOf)).toEqual([null, null, 'P', 'R', 'N', 'D', null]);
    const chargeOf = (name: string) => snapshotOf({ vin: VIN, at: 0, fields: { DetailedChargeState: { kind: 'enum', value: name } } }).chargingState;
    expect(Object.keys(PROTO.detailedChargeState).map(chargeOf)).toEqual([null, 'Disconnected', 'NoPower', 'Starting', 'Charging', 'Complete', 'Stopped']);
    const sentryOf = (name: string) => snapshotOf({ vin: VIN, at: 0, fields: { SentryMode: { kind: 'enum', value: name } } }).sentryMode;
    expect(Object.keys(PROTO.sentryModeState).map(sentryOf)).toEqual([null, false, true, true, true, true, true]);
  });
});

describe('reading a decoded record', () => {
  it('reads the car’s time, VIN, resend flag and each datum', () => {
    const parsed = parseStreamRecord(
      record(
        [
          { key: 'Odometer', value: { stringValue: '12345.67' } },
          { key: 'VehicleSpeed', value: { doubleValue: 41.5 } },
          { key: 'Gear', value: { shiftStateValue: 'ShiftStateD' } },
          { key: 'Location', value: { locationValue: { latitude: 37.49, longitude: -121.94 } } },
          { key: 'BatteryLevel', value: { invalid: true } },
          { key: 'ChargeAmps', value: { longValue: '32' } },
        ],
        { isResend: true },
      ),
    );
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.record.createdAt).toBe(Date.parse('2026-11-03T07:41:12.500Z'));
    expect(parsed.record.isResend).toBe(true);
    expect(Object.fromEntries(parsed.record.data)).toEqual({
      Odometer: { kind: 'text', value: '12345.67' },
      VehicleSpeed: { kind: 'number', value: 41.5 },
      Gear: { kind: 'enum', value: 'ShiftStateD' },
      Location: { kind: 'location', latitude: 37.49, longitude: -121.94 },
      BatteryLevel: { kind: 'invalid' },
      ChargeAmps: { kind: 'number', value: 32 },
    });
    expect(numberOf(parsed.record.data.get('Odometer'))).toBe(12345.67);
  });

  it('refuses a record without a VIN, a time the car gave, or a data list: it is not data', () => {
    expect(parseStreamRecord(record([], { vin: '' }))).toEqual({ ok: false, problem: 'the record has no valid VIN' });
    expect(parseStreamRecord(record([], { createdAt: null }))).toEqual({ ok: false, problem: 'the record has no readable createdAt' });
    expect(parseStreamRecord(record([], { createdAt: '2026-11-03 07:41' }))).toMatchObject({ ok: false });
    expect(parseStreamRecord(record([], { data: 'Odometer' }))).toMatchObject({ ok: false });
    expect(parseStreamRecord(record([{ key: '', value: {} }]))).toMatchObject({ ok: false, problem: 'a datum has no key' });
    expect(parseStreamRecord('{"vin":1}')).toMatchObject({ ok: false });
  });

  it('leaves out a datum whose field the receiver has no name for (protojson gives its number) and keeps the rest', () => {
    const parsed = parseStreamRecord(
      record([
        { key: 250, value: { stringValue: '1' } },
        { key: 'Odometer', value: { stringValue: '10.5' } },
      ]),
    );
    expect(parsed.ok && [...parsed.record.data.keys()]).toEqual(['Odometer']);
  });

  it('takes NaN, infinities, empty text and out-of-range positions as unknown, not as numbers', () => {
    expect(valueOf({ doubleValue: 'NaN' })).toEqual({ kind: 'invalid' });
    expect(valueOf({ floatValue: 'Infinity' })).toEqual({ kind: 'invalid' });
    expect(numberOf(valueOf({ stringValue: '' }))).toBeNull();
    expect(numberOf(valueOf({ stringValue: 'abc' }))).toBeNull();
    expect(valueOf({ locationValue: { latitude: 91, longitude: 0 } })).toEqual({ kind: 'invalid' });
    expect(valueOf({})).toEqual({ kind: 'invalid' });
  });
});

/** The field names `snapshotOf` reads, found by giving it every proto field and seeing which change the snapshot. */
function snapshotReads(): string[] {
  const empty = JSON.stringify(snapshotOf({ vin: VIN, at: 0, fields: {} }));
  return Object.keys(PROTO.field).filter((name) => {
    const values = [{ kind: 'number', value: 7 } as const, { kind: 'text', value: '7' } as const, { kind: 'boolean', value: true } as const];
    return values.some((value) => JSON.stringify(snapshotOf({ vin: VIN, at: 0, fields: { [name]: value } })) !== empty);
  });
}
