import { fieldReader, ProtoWriter, readFields } from './protobuf';
import type { Domain } from './crypto';

/** SessionInfo as the car sends it in a handshake (signatures.proto). */
export interface SessionInfo {
  counter: number;
  publicKey: Buffer;
  epoch: Buffer;
  clockTime: number;
  /** 0 OK, 1 KEY_NOT_ON_WHITELIST. */
  status: number;
  handle: number | undefined;
}

export function decodeSessionInfo(bytes: Buffer): SessionInfo {
  const f = fieldReader(readFields(bytes));
  return {
    counter: f.uint(1) ?? 0,
    publicKey: f.bytes(2) ?? Buffer.alloc(0),
    epoch: f.bytes(3) ?? Buffer.alloc(0),
    clockTime: f.fixed32(4) ?? 0,
    status: f.uint(5) ?? 0,
    handle: f.uint(6),
  };
}

export function encodeSessionInfo(info: SessionInfo): Buffer {
  const w = new ProtoWriter().uint(1, info.counter).bytes(2, info.publicKey).bytes(3, info.epoch).fixed32(4, info.clockTime);
  if (info.status !== 0) w.uint(5, info.status);
  if (info.handle !== undefined) w.uint(6, info.handle);
  return w.finish();
}

/** RoutableMessage asking a domain for its session info (the handshake). */
export function sessionInfoRequest(domain: Domain, publicKey: Buffer, routingAddress: Buffer, uuid: Buffer): Buffer {
  return new ProtoWriter()
    .message(6, (d) => d.uint(1, domain))
    .message(7, (d) => d.bytes(2, routingAddress))
    .message(14, (r) => r.bytes(1, publicKey))
    .bytes(51, uuid)
    .finish();
}

export interface HmacSignature {
  publicKey: Buffer;
  epoch: Buffer;
  counter: number;
  expiresAt: number;
  tag: Buffer;
}

/** RoutableMessage carrying a command signed HMAC_PERSONALIZED (what the Fleet API accepts). */
export function signedCommandMessage(domain: Domain, payload: Buffer, signature: HmacSignature, routingAddress: Buffer, uuid: Buffer, flags: number): Buffer {
  const w = new ProtoWriter()
    .message(6, (d) => d.uint(1, domain))
    .message(7, (d) => d.bytes(2, routingAddress))
    .bytes(10, payload)
    .message(13, (sd) =>
      sd
        .message(1, (id) => id.bytes(1, signature.publicKey))
        .message(8, (h) => h.bytes(1, signature.epoch).uint(2, signature.counter).fixed32(3, signature.expiresAt).bytes(4, signature.tag)),
    )
    .bytes(51, uuid);
  if (flags !== 0) w.uint(52, flags);
  return w.finish();
}

/** The parts of a RoutableMessage a client reads back. */
export interface RoutableReply {
  payload: Buffer | undefined;
  sessionInfo: Buffer | undefined;
  sessionInfoTag: Buffer | undefined;
  requestUuid: Buffer | undefined;
  operationStatus: number;
  fault: number;
  /** The reply's own flags (field 52; 0 when absent): its encrypted payload is authenticated with these. */
  flags: number;
  /** Present when the car encrypted its response (AES_GCM_Response_data); `payload` is then ciphertext. */
  responseEncryption: { nonce: Buffer; counter: number; tag: Buffer } | undefined;
}

export function decodeRoutableReply(bytes: Buffer): RoutableReply {
  const f = fieldReader(readFields(bytes));
  const status = f.bytes(12);
  const statusFields = status ? fieldReader(readFields(status)) : null;
  const signature = f.bytes(13);
  const signatureFields = signature ? fieldReader(readFields(signature)) : null;
  const sessionTagData = signatureFields?.bytes(6);
  const responseData = signatureFields?.bytes(9);
  const response = responseData ? fieldReader(readFields(responseData)) : null;
  return {
    payload: f.bytes(10),
    sessionInfo: f.bytes(15),
    sessionInfoTag: sessionTagData ? fieldReader(readFields(sessionTagData)).bytes(1) : undefined,
    requestUuid: f.bytes(50),
    operationStatus: statusFields?.uint(1) ?? 0,
    fault: statusFields?.uint(2) ?? 0,
    flags: f.uint(52) ?? 0,
    responseEncryption: response
      ? { nonce: response.bytes(1) ?? Buffer.alloc(0), counter: response.uint(2) ?? 0, tag: response.bytes(3) ?? Buffer.alloc(0) }
      : undefined,
  };
}
