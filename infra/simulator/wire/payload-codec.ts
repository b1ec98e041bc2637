import PROTO from './vehicle-data-proto.json';
import { asDouble, asFloat, asInt32, asInt64, asText, expectWire, ProtoWriter, readFields, WIRE, WireError, type ProtoField } from './protobuf-wire';

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
    writer.bytesField(F.data, new ProtoWriter().varintField(1, key).bytesField(2, encodeValue(datum.value)).finish());
  }
  const ms = Date.parse(record.createdAt);
  if (!Number.isFinite(ms)) throw new WireError('createdAt is not a time');
  const timestamp = new ProtoWriter().varintField(1, Math.floor(ms / 1000));
  if (ms % 1000 !== 0) timestamp.varintField(2, (ms % 1000) * 1_000_000);
  writer.bytesField(F.created_at, timestamp.finish());
  if (record.vin !== '') writer.bytesField(F.vin, record.vin);
  if (record.isResend) writer.varintField(F.is_resend, true);
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
      return w.bytesField(kind.number, String(v)).finish();
    case 'int32':
    case 'int64':
      return w.varintField(kind.number, BigInt(v as number | string)).finish();
    case 'float':
      return w.floatField(kind.number, Number(v)).finish();
    case 'double':
      return w.doubleField(kind.number, Number(v)).finish();
    case 'bool':
      return w.varintField(kind.number, v === true).finish();
    case 'LocationValue': {
      const { latitude, longitude } = v as { latitude: number; longitude: number };
      return w.bytesField(kind.number, new ProtoWriter().doubleField(1, latitude).doubleField(2, longitude).finish()).finish();
    }
    default: {
      const number = ENUMS[kind.type]?.[String(v)];
      if (number === undefined) throw new WireError(`no fact for ${kind.type} ${String(v)}`);
      return w.varintField(kind.number, number).finish();
    }
  }
}

/** Decodes a `Payload`; a malformed message throws WireError (the server answers it with an error, not an ack). */
export function decodePayload(bytes: Uint8Array): DecodedPayload {
  const out: DecodedPayload = { data: [], createdAt: null, vin: '', isResend: false };
  for (const f of readFields(bytes)) {
    if (f.field === F.data) out.data.push(decodeDatum(expectWire(f, WIRE.bytes).bytes!));
    else if (f.field === F.created_at) out.createdAt = decodeTimestamp(expectWire(f, WIRE.bytes).bytes!);
    else if (f.field === F.vin) out.vin = asText(expectWire(f, WIRE.bytes));
    else if (f.field === F.is_resend) out.isResend = expectWire(f, WIRE.varint).varint !== 0n;
  }
  return out;
}

function decodeDatum(bytes: Uint8Array): DecodedPayload['data'][number] {
  let key: string | number = 'Unknown';
  let value: Record<string, unknown> | null = null;
  for (const f of readFields(bytes)) {
    if (f.field === 1) {
      const n = asInt32(expectWire(f, WIRE.varint));
      key = FIELD_NAMES.get(n) ?? n;
    } else if (f.field === 2) value = decodeValue(expectWire(f, WIRE.bytes).bytes!);
  }
  return { key, value };
}

function decodeValue(bytes: Uint8Array): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  // A oneof sent twice keeps its last member, as protobuf's parsers do.
  for (const f of readFields(bytes)) {
    const kind = KIND_BY_NUMBER.get(f.field);
    if (kind !== undefined) value = { [jsonName(kind.name)]: decodeMember(kind, f) };
  }
  return value;
}

function decodeMember(kind: ValueKind, f: ProtoField): unknown {
  switch (kind.type) {
    case 'string':
      return asText(expectWire(f, WIRE.bytes));
    case 'int32':
      return asInt32(expectWire(f, WIRE.varint));
    case 'int64':
      return String(asInt64(expectWire(f, WIRE.varint)));
    case 'float':
      return jsonNumber(shortestFloat32(asFloat(expectWire(f, WIRE.fixed32))));
    case 'double':
      return jsonNumber(asDouble(expectWire(f, WIRE.fixed64)));
    case 'bool':
      return expectWire(f, WIRE.varint).varint !== 0n;
    case 'LocationValue': {
      const location = { latitude: 0, longitude: 0 };
      for (const g of readFields(expectWire(f, WIRE.bytes).bytes!)) {
        if (g.field === 1) location.latitude = asDouble(expectWire(g, WIRE.fixed64));
        if (g.field === 2) location.longitude = asDouble(expectWire(g, WIRE.fixed64));
      }
      return location;
    }
    default: {
      if (f.wireType === WIRE.bytes) return {}; // a message kind without facts here
      const n = asInt32(expectWire(f, WIRE.varint));
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
function decodeTimestamp(bytes: Uint8Array): string {
  let seconds = 0n;
  let nanos = 0;
  for (const f of readFields(bytes)) {
    if (f.field === 1) seconds = asInt64(expectWire(f, WIRE.varint));
    if (f.field === 2) nanos = asInt32(expectWire(f, WIRE.varint));
  }
  if (nanos < 0 || nanos > 999_999_999) throw new WireError('a Timestamp with nanos out of range');
  const whole = new Date(Number(seconds) * 1000);
  if (!Number.isFinite(whole.getTime())) throw new WireError('a Timestamp out of range');
  const base = whole.toISOString().slice(0, 19);
  if (nanos === 0) return `${base}Z`;
  const digits = String(nanos).padStart(9, '0');
  const fraction = nanos % 1_000_000 === 0 ? digits.slice(0, 3) : nanos % 1000 === 0 ? digits.slice(0, 6) : digits;
  return `${base}.${fraction}Z`;
}
