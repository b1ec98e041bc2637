import { createECDH, createHash, createHmac } from 'node:crypto';

/**
 * Schnorr signatures over NIST P-256 with SHA-256, as Tesla's vehicle-command library defines them (`Tesla.SS256`,
 * its `internal/schnorr`): the app's existing P-256 key signs what a car must trust without a session, such as a
 * Fleet Telemetry configuration. Not ECDSA: the key is the ECDH key the command protocol uses, and the two schemes
 * are kept apart by hashing differently.
 *
 * - Signing (RFC 8235): a nonce v (deterministic, from the key and the message's SHA-256, as RFC 6979 §3.2), the point
 *   V = vG, the challenge c = SHA-256 over G, V, the public key A and the message (each with a 4-byte big-endian
 *   length), and r = v − a·c mod n. The signature is V's X and Y, then r: 96 bytes.
 * - Verifying: V = c·A + r·G.
 *
 * V = vG uses node's own curve code. The BigInt arithmetic below handles public values only (verifying) and the one
 * subtraction r = v − ac; signing a configuration is rare and local to the owner's account.
 */

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
const G: Point = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};
const SCALAR_BYTES = 32;

interface Point {
  x: bigint;
  y: bigint;
}

/** The signature of `message` by the key whose scalar is `privateRaw` (32 bytes) and public point `publicKey` (65). */
export function schnorrSign(privateRaw: Buffer, publicKey: Buffer, message: Buffer): Buffer {
  const digest = createHash('sha256').update(message).digest();
  const nonce = deterministicNonce(privateRaw, digest);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(nonce);
  const publicNonce = ecdh.getPublicKey(); // 0x04 || X || Y
  const c = toBigInt(challenge(publicNonce, publicKey, message));
  const r = mod(toBigInt(nonce) - mod(toBigInt(privateRaw) * c, N), N);
  return Buffer.concat([publicNonce.subarray(1), toBytes(r)]);
}

/** True when `signature` (96 bytes) is `publicKey`'s (65 bytes, uncompressed) over `message`. */
export function schnorrVerify(publicKey: Buffer, message: Buffer, signature: Buffer): boolean {
  const a = pointOf(publicKey);
  if (a === null || signature.length !== 3 * SCALAR_BYTES) return false;
  const v = { x: toBigInt(signature.subarray(0, SCALAR_BYTES)), y: toBigInt(signature.subarray(SCALAR_BYTES, 2 * SCALAR_BYTES)) };
  const c = toBigInt(challenge(Buffer.concat([Buffer.from([4]), signature.subarray(0, 2 * SCALAR_BYTES)]), publicKey, message));
  const sum = add(multiply(a, c), multiply(G, toBigInt(signature.subarray(2 * SCALAR_BYTES))));
  return sum !== null && sum.x === v.x && sum.y === v.y;
}

/**
 * RFC 6979 §3.2's nonce for P-256 and SHA-256 (the hash and the order are both 256 bits, so each candidate is one
 * HMAC output): HMAC-DRBG seeded with the key's scalar and the message's hash reduced mod n; a candidate of 0 or
 * n and over is drawn again.
 */
export function deterministicNonce(scalar: Buffer, digest: Buffer): Buffer {
  const h1 = toBytes(mod(toBigInt(digest), N));
  const hmac = (key: Buffer, ...parts: Buffer[]): Buffer => parts.reduce((h, part) => h.update(part), createHmac('sha256', key)).digest();
  let v: Buffer = Buffer.alloc(32, 1);
  let k: Buffer = Buffer.alloc(32, 0);
  k = hmac(k, v, Buffer.from([0]), scalar, h1);
  v = hmac(k, v);
  k = hmac(k, v, Buffer.from([1]), scalar, h1);
  v = hmac(k, v);
  for (;;) {
    v = hmac(k, v);
    const candidate = toBigInt(v);
    if (candidate > 0n && candidate < N) return v;
    k = hmac(k, v, Buffer.from([0]));
    v = hmac(k, v);
  }
}

function challenge(publicNonce: Buffer, publicKey: Buffer, message: Buffer): Buffer {
  const hash = createHash('sha256');
  for (const part of [Buffer.concat([Buffer.from([4]), toBytes(G.x), toBytes(G.y)]), publicNonce, publicKey, message]) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(part.length);
    hash.update(length).update(part);
  }
  return hash.digest();
}

/** An uncompressed point (0x04 || X || Y) on the curve, or null. */
function pointOf(bytes: Buffer): Point | null {
  if (bytes.length !== 1 + 2 * SCALAR_BYTES || bytes[0] !== 4) return null;
  const point = { x: toBigInt(bytes.subarray(1, 33)), y: toBigInt(bytes.subarray(33)) };
  if (point.x >= P || point.y >= P) return null;
  return mod(point.y * point.y - (point.x * point.x * point.x - 3n * point.x + B), P) === 0n ? point : null;
}

/** Affine point addition; null is the point at infinity. */
function add(p: Point | null, q: Point | null): Point | null {
  if (p === null) return q;
  if (q === null) return p;
  let slope: bigint;
  if (p.x === q.x) {
    if (mod(p.y + q.y, P) === 0n) return null;
    slope = mod((3n * p.x * p.x - 3n) * inverse(2n * p.y), P);
  } else {
    slope = mod((q.y - p.y) * inverse(q.x - p.x), P);
  }
  const x = mod(slope * slope - p.x - q.x, P);
  return { x, y: mod(slope * (p.x - x) - p.y, P) };
}

function multiply(point: Point, scalar: bigint): Point | null {
  let result: Point | null = null;
  let addend: Point | null = point;
  for (let k = mod(scalar, N); k > 0n; k >>= 1n) {
    if (k & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

/** The inverse mod P (Fermat: P is prime). */
function inverse(value: bigint): bigint {
  let result = 1n;
  let base = mod(value, P);
  for (let e = P - 2n; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * base) % P;
    base = (base * base) % P;
  }
  return result;
}

function mod(value: bigint, m: bigint): bigint {
  const r = value % m;
  return r < 0n ? r + m : r;
}

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

function toBytes(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(2 * SCALAR_BYTES, '0'), 'hex');
}
