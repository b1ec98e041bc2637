import { ProtoDecodeError, ProtoWriter, readFields, type ProtoValue } from '../../../shared/vcp/protobuf';
import PROTO from './vehicle-data-proto.json';
import { WireError } from './envelope';

/**
 * fleet-telemetry's `Payload` message (protos/vehicle_data.proto, facts in `vehicle-data-proto.json`) both ways: the
 * simulated car encodes a record to protobuf, and the simulated receiver decodes it to protojson as Tesla's server
 * does with `transmit_decoded_records` (lowerCamelCase names, enums by name, int64 as a string, unpopulated fields
 * emitted). Only the `Value` kinds with facts here are encoded; decoding reads every kind, the ones without facts as
 * protojson writes an enum it has no name for (its number) or an empty object.
 */
export interface DecodedPayload {
  data: Array<{ key: string | number; value: Record<string, unknown> | null }>;
  createdAt: string | null;
  vin: string;
  isResend: boolean;
}

type ValueKind = (typeof PROTO.valueOneof)[number];

/** The enum types whose value names are facts here, by the `Value` member's type. */
const ENUMS: Record<string, Record<string, number>> = {
  ShiftState: PROTO.shiftState,
  DetailedChargeStateValue: PROTO.detailedChargeState,
  FastCharger: PROTO.fastCharger,
  HvacPowerState: PROTO.hvacPowerState,
  SentryModeState: PROTO.sentryModeState,
};
const FIELD_NAMES = new Map(Object.entries(PROTO.field).map(([name, n]) => [n, name]));
const jsonName = (protoName: string) => protoName.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const KIND_BY_JSON = new Map<string, ValueKind>(PROTO.valueOneof.map((k) => [jsonName(k.name), k]));
const KIND_BY_NUMBER = new Map<number, ValueKind>(PROTO.valueOneof.map((k) => [k.number, k]));
const F = PROTO.payload;

export function encodePayload(record: { data: Array<{ key: string; value: unknown }>; createdAt: string; vin: string; isResend: boolean }): Uint8Array {
  const writer = new ProtoWriter();
  for (const datum of record.data) {
    const key = (PROTO.field as Record<string, number>)[datum.key];
    if (key === undefined) throw new WireError(`no field named ${datum.key}`);
    writer.message(F.data, (d) => d.uint(1, key).bytes(2, encodeValue(datum.value)));
  }
  const ms = Date.parse(record.createdAt);
  if (!Number.isFinite(ms)) throw new WireError('createdAt is not a time');
  writer.message(F.created_at, (t) => {
    t.int(1, Math.floor(ms / 1000));
    if (ms % 1000 !== 0) t.int(2, (ms % 1000) * 1_000_000);
  });
  if (record.vin !== '') writer.bytes(F.vin, Buffer.from(record.vin));
  if (record.isResend) writer.uint(F.is_resend, true);
  return writer.finish();
}

function encodeValue(json: unknown): Uint8Array {
  const entries = typeof json === 'object' && json !== null ? Object.entries(json as Record<string, unknown>) : [];
  const [entry] = entries;
  if (entry === undefined || entries.length !== 1) throw new WireError('a value must set exactly one member');
  const [name, v] = entry;
  const kind = KIND_BY_JSON.get(name);
  if (kind === undefined) throw new WireError(`no Value member named ${name}`);
  const w = new ProtoWriter();
  switch (kind.type) {
    case 'string':
      return w.bytes(kind.number, Buffer.from(String(v))).finish();
    case 'int32':
    case 'int64':
      return w.int(kind.number, BigInt(v as number | string)).finish();
    case 'float':
      return w.float(kind.number, Number(v)).finish();
    case 'double':
      return w.double(kind.number, Number(v)).finish();
    case 'bool':
      return w.uint(kind.number, v === true).finish();
    case 'LocationValue': {
      const { latitude, longitude } = v as { latitude: number; longitude: number };
      return w.message(kind.number, (l) => l.double(1, latitude).double(2, longitude)).finish();
    }
    default: {
      const number = ENUMS[kind.type]?.[String(v)];
      if (number === undefined) throw new WireError(`no fact for ${kind.type} ${String(v)}`);
      return w.uint(kind.number, number).finish();
    }
  }
}

/** Decodes a `Payload`; a malformed message throws WireError (the server answers it with an error, not an ack). */
export function decodePayload(bytes: Uint8Array): DecodedPayload {
  try {
    const fields = readFields(bytes);
    const timestamp = last(fields, F.created_at);
    const vin = last(fields, F.vin);
    const resend = last(fields, F.is_resend);
    return {
      data: (fields.get(F.data) ?? []).map((d) => decodeDatum(wire(d, 2))),
      createdAt: timestamp === undefined ? null : decodeTimestamp(wire(timestamp, 2)),
      vin: vin === undefined ? '' : text(wire(vin, 2)),
      isResend: resend !== undefined && wire(resend, 0) !== 0n,
    };
  } catch (e) {
    throw e instanceof ProtoDecodeError ? new WireError(e.message) : e;
  }
}

type Fields = Map<number, ProtoValue[]>;

/** A field's value of the wire type its kind has, or a WireError for another. */
function wire(v: ProtoValue, wireType: 0): bigint;
function wire(v: ProtoValue, wireType: 1 | 2 | 5): Buffer;
function wire(v: ProtoValue, wireType: ProtoValue['wireType']): bigint | Buffer {
  if (v.wireType !== wireType) throw new WireError(`a field has wire type ${v.wireType}, expected ${wireType}`);
  return v.value;
}
/** The last occurrence of a field, as protobuf's parsers take it. */
const last = (fields: Fields, n: number): ProtoValue | undefined => fields.get(n)?.at(-1);
const text = (b: Buffer): string => new TextDecoder('utf-8', { fatal: true }).decode(b);
const int32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

function decodeDatum(bytes: Buffer): DecodedPayload['data'][number] {
  const fields = readFields(bytes);
  const key = last(fields, 1);
  const value = last(fields, 2);
  const n = key === undefined ? 0 : int32(wire(key, 0));
  return { key: FIELD_NAMES.get(n) ?? n, value: value === undefined ? null : decodeValue(wire(value, 2)) };
}

function decodeValue(bytes: Buffer): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (const [number, values] of readFields(bytes)) {
    const kind = KIND_BY_NUMBER.get(number);
    const v = values.at(-1);
    if (kind !== undefined && v !== undefined) value = { [jsonName(kind.name)]: decodeMember(kind, v) };
  }
  return value;
}

function decodeMember(kind: ValueKind, v: ProtoValue): unknown {
  switch (kind.type) {
    case 'string':
      return text(wire(v, 2));
    case 'int32':
      return int32(wire(v, 0));
    case 'int64':
      return String(BigInt.asIntN(64, wire(v, 0)));
    case 'float':
      return jsonNumber(shortestFloat32(wire(v, 5).readFloatLE(0)));
    case 'double':
      return jsonNumber(wire(v, 1).readDoubleLE(0));
    case 'bool':
      return wire(v, 0) !== 0n;
    case 'LocationValue': {
      const location = readFields(wire(v, 2));
      const degrees = (n: number) => {
        const f = last(location, n);
        return f === undefined ? 0 : wire(f, 1).readDoubleLE(0);
      };
      return { latitude: degrees(1), longitude: degrees(2) };
    }
    default: {
      if (v.wireType === 2) return {}; // a message kind without facts here
      const n = int32(wire(v, 0));
      const names = ENUMS[kind.type];
      return (names && Object.keys(names).find((name) => names[name] === n)) ?? n;
    }
  }
}

/** protojson writes NaN and the infinities as strings. */
const jsonNumber = (n: number): number | string => (Number.isFinite(n) ? n : Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity');

/** A float32 written with as few digits as read back the same, as protojson writes one (12.3, not 12.300000190734863). */
function shortestFloat32(n: number): number {
  if (!Number.isFinite(n)) return n;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(n.toPrecision(digits));
    if (Math.fround(candidate) === n) return candidate;
  }
  return n;
}

/** RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as protojson writes a Timestamp. */
function decodeTimestamp(bytes: Buffer): string {
  const fields = readFields(bytes);
  const [s, n] = [last(fields, 1), last(fields, 2)];
  const seconds = s === undefined ? 0n : BigInt.asIntN(64, wire(s, 0));
  const nanos = n === undefined ? 0 : int32(wire(n, 0));
  if (nanos < 0 || nanos > 999_999_999) throw new WireError('a Timestamp with nanos out of range');
  const whole = new Date(Number(seconds) * 1000);
  if (!Number.isFinite(whole.getTime())) throw new WireError('a Timestamp out of range');
  const base = whole.toISOString().slice(0, 19);
  if (nanos === 0) return `${base}Z`;
  const digits = String(nanos).padStart(9, '0');
  const fraction = nanos % 1_000_000 === 0 ? digits.slice(0, 3) : nanos % 1000 === 0 ? digits.slice(0, 6) : digits;
  return `${base}.${fraction}Z`;
}
