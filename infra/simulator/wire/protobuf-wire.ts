/**
 * The few pieces of the protobuf wire format the simulated car and receiver need (varints, fixed 32/64-bit numbers,
 * length-delimited fields), written out rather than generated: the messages involved are small and their facts are in
 * `vehicle-data-proto.json`. Reading checks every length against the buffer, so a malformed message throws
 * `WireError` instead of reading past its end.
 */
export class WireError extends Error {}

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];

  varintField(field: number, value: number | bigint | boolean): this {
    this.tag(field, WIRE.varint);
    this.chunks.push(varint(typeof value === 'boolean' ? BigInt(value ? 1 : 0) : BigInt(value)));
    return this;
  }

  bytesField(field: number, value: Uint8Array | string): this {
    const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    this.tag(field, WIRE.bytes);
    this.chunks.push(varint(BigInt(bytes.length)), bytes);
    return this;
  }

  doubleField(field: number, value: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.tag(field, WIRE.fixed64);
    this.chunks.push(b);
    return this;
  }

  floatField(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.tag(field, WIRE.fixed32);
    this.chunks.push(b);
    return this;
  }

  finish(): Uint8Array {
    return Buffer.concat(this.chunks);
  }

  private tag(field: number, wireType: number): void {
    this.chunks.push(varint(BigInt(field * 8 + wireType)));
  }
}

/** A varint; negative numbers as their 64-bit two's complement (ten bytes), as int32 and int64 are written. */
function varint(value: bigint): Uint8Array {
  let v = BigInt.asUintN(64, value);
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? low : low | 0x80);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

export interface ProtoField {
  field: number;
  wireType: number;
  /** varint: the raw unsigned 64-bit value; fixed: the bytes; bytes: the bytes. */
  varint?: bigint;
  bytes?: Uint8Array;
}

/** Every field of a message in order, unknown ones included. */
export function readFields(buffer: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let at = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= buffer.length) throw new WireError('a varint runs past the end of the message');
      const byte = buffer[at++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new WireError('a varint is longer than ten bytes');
  };
  const take = (n: number): Uint8Array => {
    if (n < 0 || at + n > buffer.length) throw new WireError('a field runs past the end of the message');
    const slice = buffer.subarray(at, at + n);
    at += n;
    return slice;
  };
  while (at < buffer.length) {
    const tag = readVarint();
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (field === 0) throw new WireError('a field numbered 0');
    switch (wireType) {
      case WIRE.varint:
        fields.push({ field, wireType, varint: readVarint() });
        break;
      case WIRE.fixed64:
        fields.push({ field, wireType, bytes: take(8) });
        break;
      case WIRE.fixed32:
        fields.push({ field, wireType, bytes: take(4) });
        break;
      case WIRE.bytes: {
        const length = readVarint();
        if (length > BigInt(buffer.length)) throw new WireError('a field runs past the end of the message');
        fields.push({ field, wireType, bytes: take(Number(length)) });
        break;
      }
      default:
        throw new WireError(`wire type ${wireType} is not read here`);
    }
  }
  return fields;
}

export const asDouble = (f: ProtoField): number => new DataView(f.bytes!.buffer, f.bytes!.byteOffset, 8).getFloat64(0, true);
export const asFloat = (f: ProtoField): number => new DataView(f.bytes!.buffer, f.bytes!.byteOffset, 4).getFloat32(0, true);
export const asInt32 = (f: ProtoField): number => Number(BigInt.asIntN(32, f.varint!));
export const asInt64 = (f: ProtoField): bigint => BigInt.asIntN(64, f.varint!);
export const asText = (f: ProtoField): string => new TextDecoder('utf-8', { fatal: true }).decode(f.bytes);

/** The field's value if it has the wire type expected, else a WireError. */
export function expectWire(f: ProtoField, wireType: number): ProtoField {
  if (f.wireType !== wireType) throw new WireError(`field ${f.field} has wire type ${f.wireType}, expected ${wireType}`);
  return f;
}
