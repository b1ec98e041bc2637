/**
 * Just enough protobuf (proto3 wire format) for the Vehicle Command Protocol and Fleet Telemetry's records, written
 * from the documented field numbers: varints, fixed 32/64-bit and length-delimited fields. Fields are emitted in the
 * order they are written.
 */
const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;
const FIXED32 = 5;

function varint(value: number | bigint, signed = false): Buffer {
  let v = BigInt(value);
  if (v < 0n && !signed) throw new RangeError('negative varints are not used by this protocol');
  // int32 and int64 write a negative number as its 64-bit two's complement (ten bytes).
  v = BigInt.asUintN(64, v);
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? byte | 0x80 : byte);
  } while (v > 0n);
  return Buffer.from(out);
}

export class ProtoWriter {
  private readonly parts: Buffer[] = [];

  private tag(field: number, wireType: number): void {
    this.parts.push(varint((field << 3) | wireType));
  }

  /** uint32/int32 (non-negative)/enum/bool. Always written: a oneof member must be present even when 0. */
  uint(field: number, value: number | boolean): this {
    this.tag(field, VARINT);
    this.parts.push(varint(typeof value === 'boolean' ? (value ? 1 : 0) : value));
    return this;
  }

  /** int32/int64, negative numbers included. */
  int(field: number, value: number | bigint): this {
    this.tag(field, VARINT);
    this.parts.push(varint(value, true));
    return this;
  }

  fixed32(field: number, value: number): this {
    this.tag(field, FIXED32);
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value >>> 0);
    this.parts.push(b);
    return this;
  }

  /** float (32-bit, little-endian), as HvacTemperatureAdjustmentAction's temperatures. */
  float(field: number, value: number): this {
    this.tag(field, FIXED32);
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.parts.push(b);
    return this;
  }

  /** double (64-bit, little-endian). */
  double(field: number, value: number): this {
    this.tag(field, FIXED64);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.parts.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, BYTES);
    this.parts.push(varint(value.length), Buffer.from(value));
    return this;
  }

  message(field: number, inner: ProtoWriter | ((w: ProtoWriter) => void)): this {
    const writer = inner instanceof ProtoWriter ? inner : new ProtoWriter();
    if (!(inner instanceof ProtoWriter)) inner(writer);
    return this.bytes(field, writer.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export type ProtoValue = { wireType: 0; value: bigint } | { wireType: 1 | 5; value: Buffer } | { wireType: 2; value: Buffer };

export class ProtoDecodeError extends Error {
  constructor(message: string) {
    super(`malformed protobuf: ${message}`);
    this.name = 'ProtoDecodeError';
  }
}

/** Decodes one message level into its fields (repeated fields keep every occurrence, in order). */
export function readFields(buffer: Uint8Array): Map<number, ProtoValue[]> {
  const buf = Buffer.from(buffer);
  const fields = new Map<number, ProtoValue[]>();
  let pos = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new ProtoDecodeError('truncated varint');
      const byte = buf[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new ProtoDecodeError('varint too long');
    }
  };
  const take = (n: number): Buffer => {
    if (pos + n > buf.length) throw new ProtoDecodeError('truncated field');
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  while (pos < buf.length) {
    const key = readVarint();
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    let value: ProtoValue;
    if (wireType === VARINT) value = { wireType: 0, value: readVarint() };
    else if (wireType === BYTES) value = { wireType: 2, value: take(Number(readVarint())) };
    else if (wireType === FIXED32) value = { wireType: 5, value: take(4) };
    else if (wireType === FIXED64) value = { wireType: 1, value: take(8) };
    else throw new ProtoDecodeError(`unsupported wire type ${wireType}`);
    if (field === 0) throw new ProtoDecodeError('field number 0');
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

/** Typed reads of a decoded message; absent fields give undefined. */
export function fieldReader(fields: Map<number, ProtoValue[]>) {
  const last = (n: number): ProtoValue | undefined => fields.get(n)?.at(-1);
  return {
    uint: (n: number): number | undefined => {
      const v = last(n);
      return v?.wireType === 0 ? Number(v.value) : undefined;
    },
    fixed32: (n: number): number | undefined => {
      const v = last(n);
      return v?.wireType === 5 ? v.value.readUInt32LE(0) : undefined;
    },
    float: (n: number): number | undefined => {
      const v = last(n);
      return v?.wireType === 5 ? v.value.readFloatLE(0) : undefined;
    },
    bytes: (n: number): Buffer | undefined => {
      const v = last(n);
      return v?.wireType === 2 ? v.value : undefined;
    },
    has: (n: number): boolean => fields.has(n),
  };
}
