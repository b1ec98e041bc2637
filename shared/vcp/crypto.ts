import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Domains of the car, each with its own keys, session, epoch and counter. */
export const DOMAIN = { vehicleSecurity: 2, infotainment: 3 } as const;
export type Domain = (typeof DOMAIN)[keyof typeof DOMAIN];

/** Signatures.Tag values used in metadata. */
export const TAG = {
  signatureType: 0,
  domain: 1,
  personalization: 2,
  epoch: 3,
  expiresAt: 4,
  counter: 5,
  challenge: 6,
  flags: 7,
  requestHash: 8,
  fault: 9,
  end: 0xff,
} as const;
/** Flags bit positions (RoutableMessage.flags): bit 1 asks the car to encrypt its response (firmware 2024.38+). */
export const FLAG_ENCRYPT_RESPONSE = 1 << 1;

/** Signatures.SignatureType values. */
export const SIGNATURE_TYPE = { aesGcmPersonalized: 5, hmac: 6, hmacPersonalized: 8, aesGcmResponse: 9 } as const;

/** K = SHA1(ECDH(private, peer).x)[:16]: the AES-128 session key shared with one domain of one car. */
export function sharedKey(privateKeyRaw: Buffer, peerPublicKey: Buffer): Buffer {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(privateKeyRaw);
  const x = ecdh.computeSecret(peerPublicKey); // 32 bytes, leading zeros kept
  return createHash('sha1').update(x).digest().subarray(0, 16);
}

/** Subkeys: HMAC-SHA256(K, label). */
export function subkey(sessionKey: Buffer, label: 'authenticated command' | 'session info'): Buffer {
  return createHmac('sha256', sessionKey).update(label, 'ascii').digest();
}

export function uint32BE(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}

/** Metadata: tag(1) || length(1) || value, in ascending tag order, closed by 0xFF. */
export function metadata(items: ReadonlyArray<readonly [number, Buffer]>): Buffer {
  const parts: Buffer[] = [];
  let previous = -1;
  for (const [tag, value] of items) {
    if (tag <= previous) throw new RangeError('metadata tags must ascend');
    if (value.length > 255) throw new RangeError('metadata values are at most 255 bytes');
    parts.push(Buffer.from([tag, value.length]), value);
    previous = tag;
  }
  return Buffer.concat([...parts, Buffer.from([TAG.end])]);
}

export interface CommandMetadata {
  signatureType: number;
  domain: Domain;
  vin: string;
  epoch: Buffer;
  expiresAt: number;
  counter: number;
  flags: number;
}

/** The metadata a command signature covers; flags only when non-zero. */
export function commandMetadata(m: CommandMetadata): Buffer {
  return metadata([
    [TAG.signatureType, Buffer.from([m.signatureType])],
    [TAG.domain, Buffer.from([m.domain])],
    [TAG.personalization, Buffer.from(m.vin, 'ascii')],
    [TAG.epoch, m.epoch],
    [TAG.expiresAt, uint32BE(m.expiresAt)],
    [TAG.counter, uint32BE(m.counter)],
    ...(m.flags !== 0 ? ([[TAG.flags, uint32BE(m.flags)]] as const) : []),
  ]);
}

/** HMAC-SHA256(session-info subkey, META || session_info), where the challenge is the request's uuid. */
export function sessionInfoTag(sessionKey: Buffer, vin: string, challenge: Buffer, sessionInfo: Buffer): Buffer {
  const meta = metadata([
    [TAG.signatureType, Buffer.from([SIGNATURE_TYPE.hmac])],
    [TAG.personalization, Buffer.from(vin, 'ascii')],
    [TAG.challenge, challenge],
  ]);
  return createHmac('sha256', subkey(sessionKey, 'session info')).update(meta).update(sessionInfo).digest();
}

/** Checks a session-info tag in constant time. */
export function verifySessionInfoTag(sessionKey: Buffer, vin: string, challenge: Buffer, sessionInfo: Buffer, tag: Buffer): boolean {
  const expected = sessionInfoTag(sessionKey, vin, challenge, sessionInfo);
  return tag.length === expected.length && timingSafeEqual(tag, expected);
}

/** HMAC_PERSONALIZED: HMAC-SHA256(HMAC-SHA256(K, "authenticated command"), metadata || payload). What Fleet API takes. */
export function hmacPersonalizedTag(sessionKey: Buffer, meta: Buffer, payload: Buffer): Buffer {
  return createHmac('sha256', subkey(sessionKey, 'authenticated command')).update(meta).update(payload).digest();
}

/** AES-128-GCM with AAD = SHA256(metadata): AES_GCM_PERSONALIZED commands (BLE only) and encrypted responses. */
export function aesGcmPersonalized(sessionKey: Buffer, meta: Buffer, nonce: Buffer, plaintext: Buffer): { ciphertext: Buffer; tag: Buffer } {
  const cipher = createCipheriv('aes-128-gcm', sessionKey, nonce);
  cipher.setAAD(createHash('sha256').update(meta).digest());
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

export function aesGcmOpen(sessionKey: Buffer, aad: Buffer, nonce: Buffer, ciphertext: Buffer, tag: Buffer): Buffer {
  const decipher = createDecipheriv('aes-128-gcm', sessionKey, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** The hash that binds a response to its request: the request's signature type and tag (VCSEC: its first 16 bytes). */
export function requestHash(domain: Domain, requestTag: Buffer): Buffer {
  const tag = domain === DOMAIN.vehicleSecurity ? requestTag.subarray(0, 16) : requestTag;
  return Buffer.concat([Buffer.from([SIGNATURE_TYPE.hmacPersonalized]), tag]);
}

export interface ResponseMetadata {
  domain: Domain;
  vin: string;
  /** The response's own counter. */
  counter: number;
  flags: number;
  requestHash: Buffer;
  fault: number;
}

/** Metadata an encrypted response (AES_GCM_RESPONSE) is authenticated with; flags always present. */
export function responseMetadata(m: ResponseMetadata): Buffer {
  return metadata([
    [TAG.signatureType, Buffer.from([SIGNATURE_TYPE.aesGcmResponse])],
    [TAG.domain, Buffer.from([m.domain])],
    [TAG.personalization, Buffer.from(m.vin, 'ascii')],
    [TAG.counter, uint32BE(m.counter)],
    [TAG.flags, uint32BE(m.flags)],
    [TAG.requestHash, m.requestHash],
    [TAG.fault, uint32BE(m.fault)],
  ]);
}

/** Encrypts a response the way the car does: AES-128-GCM under K with AAD = SHA256(response metadata). */
export function sealResponse(sessionKey: Buffer, meta: Buffer, nonce: Buffer, plaintext: Buffer): { ciphertext: Buffer; tag: Buffer } {
  return aesGcmPersonalized(sessionKey, meta, nonce, plaintext);
}

/** Decrypts and authenticates a response; throws if anything in it or its metadata was changed. */
export function openResponse(sessionKey: Buffer, meta: Buffer, nonce: Buffer, ciphertext: Buffer, tag: Buffer): Buffer {
  return aesGcmOpen(sessionKey, createHash('sha256').update(meta).digest(), nonce, ciphertext, tag);
}
