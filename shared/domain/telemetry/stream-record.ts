import { isVin } from '../vehicle';

/**
 * A vehicle-data record (`V`) as Tesla's fleet-telemetry server hands it to a dispatcher with
 * `transmit_decoded_records`: the protobuf `Payload` (protos/vehicle_data.proto) in protojson, with unpopulated
 * fields emitted — `{"data":[{"key":"Gear","value":{"shiftStateValue":"ShiftStateD"}}],"createdAt":"…Z","vin":"…",
 * "isResend":false}`. A record without a VIN or a time the car gave is unreadable: it is not data.
 */
export type StreamValue =
  | { kind: 'number'; value: number }
  | { kind: 'text'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'location'; latitude: number; longitude: number }
  /** One of the proto's enums, by name (`ShiftStateD`, `DetailedChargeStateCharging`). */
  | { kind: 'enum'; value: string }
  /** The car says it cannot measure the signal now (`invalid: true`), or sent no value. */
  | { kind: 'invalid' };

export interface StreamRecord {
  vin: string;
  /** When the car took the values (ms). */
  createdAt: number;
  /** The car sent it again (it had no ack for it). */
  isResend: boolean;
  /** By Tesla's field name; a field sent twice in one record keeps its last value. */
  data: ReadonlyMap<string, StreamValue>;
}

export type ParsedStreamRecord = { ok: true; record: StreamRecord } | { ok: false; problem: string };

/** protojson writes a Timestamp as RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits. */
export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseStreamRecord(body: unknown): ParsedStreamRecord {
  if (!isObject(body)) return { ok: false, problem: 'the record is not a JSON object' };
  const { vin, createdAt, data, isResend } = body;
  if (typeof vin !== 'string' || !isVin(vin)) return { ok: false, problem: 'the record has no valid VIN' };
  const at = typeof createdAt === 'string' && RFC3339_UTC.test(createdAt) ? Date.parse(createdAt) : NaN;
  if (!Number.isFinite(at)) return { ok: false, problem: 'the record has no readable createdAt' };
  if (!Array.isArray(data)) return { ok: false, problem: 'the record has no data list' };
  const fields = new Map<string, StreamValue>();
  for (const datum of data) {
    // A field the receiver's protos do not name comes as its number (a car newer than the receiver): not one we read.
    if (isObject(datum) && typeof datum.key === 'number') continue;
    if (!isObject(datum) || typeof datum.key !== 'string' || datum.key === '') return { ok: false, problem: 'a datum has no key' };
    fields.set(datum.key, valueOf(datum.value));
  }
  return { ok: true, record: { vin, createdAt: at, isResend: isResend === true, data: fields } };
}

/**
 * The `Value` oneof in protojson: `stringValue`, the numbers (`intValue`, `longValue` — written as a string, as
 * protojson writes int64 —, `floatValue`, `doubleValue`, where NaN and infinities come as strings), `booleanValue`,
 * `locationValue`, `invalid`, and the enums (every other `…Value`, by name).
 */
export function valueOf(value: unknown): StreamValue {
  if (!isObject(value)) return INVALID;
  const [entry] = Object.entries(value).filter(([, v]) => v !== null && v !== undefined);
  if (entry === undefined) return INVALID;
  const [name, v] = entry;
  switch (name) {
    case 'invalid':
      return INVALID;
    case 'stringValue':
      return typeof v === 'string' ? { kind: 'text', value: v } : INVALID;
    case 'intValue':
    case 'longValue':
    case 'floatValue':
    case 'doubleValue': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      return Number.isFinite(n) ? { kind: 'number', value: n } : INVALID;
    }
    case 'booleanValue':
      return typeof v === 'boolean' ? { kind: 'boolean', value: v } : INVALID;
    case 'locationValue': {
      if (!isObject(v)) return INVALID;
      const { latitude, longitude } = v;
      const ok = typeof latitude === 'number' && typeof longitude === 'number' && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
      return ok ? { kind: 'location', latitude, longitude } : INVALID;
    }
    default:
      return name.endsWith('Value') && typeof v === 'string' ? { kind: 'enum', value: v } : INVALID;
  }
}

const INVALID: StreamValue = { kind: 'invalid' };

/** A number however the car typed it: firmware sends many numbers as strings ("12.3"), later ones as numbers. */
export function numberOf(value: StreamValue | undefined): number | null {
  if (value?.kind === 'number') return value.value;
  if (value?.kind === 'text' && value.value.trim() !== '') {
    const n = Number(value.value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function booleanOf(value: StreamValue | undefined): boolean | null {
  if (value?.kind === 'boolean') return value.value;
  if (value?.kind === 'text' && (value.value === 'true' || value.value === 'false')) return value.value === 'true';
  return null;
}

/** An enum's name without its type's prefix (`ShiftStateD` → `D`), when it has that prefix. */
export function enumOf(value: StreamValue | undefined, prefix: string): string | null {
  const name = value?.kind === 'enum' ? value.value : value?.kind === 'text' ? value.value : null;
  return name !== null && name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : null;
}
