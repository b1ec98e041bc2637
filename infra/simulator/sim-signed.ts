import { createECDH, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  commandMetadata,
  DOMAIN,
  FLAG_ENCRYPT_RESPONSE,
  hmacPersonalizedTag,
  requestHash,
  responseMetadata,
  sealResponse,
  sessionInfoTag,
  sharedKey,
  SIGNATURE_TYPE,
  type Domain,
} from '../../shared/vcp/crypto';
import { encodeSessionInfo } from '../../shared/vcp/messages';
import { decodeSignedPayload, encodeCarServerResponse } from '../../shared/vcp/payloads';
import { fieldReader, ProtoWriter, readFields } from '../../shared/vcp/protobuf';
import { FAULT } from '../../shared/vcp/signed-command-client';

interface DomainState {
  privateKey: Buffer;
  publicKey: Buffer;
  epoch: Buffer;
  /** Highest counter seen per signer (hex public key). */
  counters: Map<string, number>;
  /** Counter of the encrypted responses this domain has sent. */
  responseCounter: number;
}

/** The outcome of a command the car ran; the car itself is the caller's. */
export type RunCommand = (command: string, body: Record<string, unknown>) => { result: boolean; reason: string };

const TIME_TO_LIVE_LIMIT_S = 60;
const FAULT_TTL_TOO_LONG = 20;

/**
 * One car's Vehicle Command Protocol endpoint, as the simulator serves it through `signed_command`: per-domain keys,
 * epoch and clock; paired public keys; authenticated session info; HMAC verification; and the protocol's faults for
 * unknown keys, replayed counters, expired or tampered messages.
 */
export class SimSignedEndpoint {
  private readonly domains = new Map<number, DomainState>();
  private readonly paired = new Set<string>();
  private readonly scripted: { fault: number; ranAnyway: boolean }[] = [];
  private readonly bootAt: number;
  /**
   * The flags the car puts on its encrypted answers, and authenticates them with: `echo` repeats the request's flags,
   * `zero` sends none (field 52 absent), as some firmware does. A client must read them from the reply.
   */
  responseFlags: 'echo' | 'zero' = 'echo';

  constructor(
    private readonly vin: string,
    now: number,
  ) {
    this.bootAt = now;
    for (const domain of [DOMAIN.vehicleSecurity, DOMAIN.infotainment]) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      this.domains.set(domain, {
        privateKey: ecdh.getPrivateKey(),
        publicKey: ecdh.getPublicKey(),
        epoch: randomBytes(16),
        counters: new Map(),
        responseCounter: 0,
      });
    }
  }

  /** The owner approved the key in the Tesla app. */
  pair(publicKey: Buffer): void {
    this.paired.add(publicKey.toString('hex'));
  }

  isPaired(publicKey: Buffer): boolean {
    return this.paired.has(publicKey.toString('hex'));
  }

  get pairedKeys(): number {
    return this.paired.size;
  }

  /**
   * The next verified command is answered with `fault` (BUSY, TIMEOUT, REMOTE_ACCESS_DISABLED, …), as a real car
   * sometimes does. With `ranAnyway` the car runs the command first: its acknowledgement is what got lost.
   */
  failNext(fault: number, ranAnyway = false): void {
    this.scripted.push({ fault, ranAnyway });
  }

  /** A new epoch (as after a reboot): counters start over and old sessions are stale. */
  newEpoch(domain: Domain): void {
    const state = this.domains.get(domain)!;
    state.epoch = randomBytes(16);
    state.counters.clear();
  }

  private clock(now: number): number {
    return Math.floor((now - this.bootAt) / 1000);
  }

  handle(message: Buffer, now: number, run: RunCommand): Buffer {
    const top = readFields(message);
    const f = fieldReader(top);
    const to = f.bytes(6);
    const domain = to ? (fieldReader(readFields(to)).uint(1) ?? 0) : 0;
    const state = this.domains.get(domain);
    const uuid = f.bytes(51) ?? Buffer.alloc(0);
    const reply = new ProtoWriter()
      .message(6, (d) => d.bytes(2, fieldReader(readFields(f.bytes(7) ?? Buffer.alloc(0))).bytes(2) ?? Buffer.alloc(16)))
      .message(7, (d) => d.uint(1, domain));
    if (!state)
      return reply
        .message(12, (s) => s.uint(1, 2).uint(2, 1))
        .bytes(50, uuid)
        .finish();

    const request = f.bytes(14);
    if (request) {
      const clientKey = fieldReader(readFields(request)).bytes(1) ?? Buffer.alloc(0);
      return this.withSessionInfo(reply, state, clientKey, uuid, now).bytes(50, uuid).finish();
    }

    const payload = f.bytes(10) ?? Buffer.alloc(0);
    const checked = this.checkSignature(f, state, domain, payload, now);
    const fault = (n: number, attachSession: boolean): Buffer => {
      const w = reply.message(12, (s) => s.uint(1, 2).uint(2, n));
      const signer = 'signer' in checked ? checked.signer : undefined;
      return (attachSession && signer ? this.withSessionInfo(w, state, signer, uuid, now) : w).bytes(50, uuid).finish();
    };
    if ('fault' in checked) return fault(checked.fault, checked.attachSession);
    const decoded = decodeSignedPayload(domain, payload);
    if (!decoded) return fault(FAULT.invalidSignature, false);
    const scripted = this.scripted.shift();
    if (scripted) {
      if (scripted.ranAnyway) run(decoded.command, decoded.body);
      return fault(scripted.fault, false);
    }
    const outcome = run(decoded.command, decoded.body);
    // VCSEC: an empty reply is success.
    const answer = domain === DOMAIN.infotainment ? encodeCarServerResponse(outcome.result, outcome.reason) : Buffer.alloc(0);
    if ((checked.flags & FLAG_ENCRYPT_RESPONSE) === 0) return (answer.length > 0 ? reply.bytes(10, answer) : reply).bytes(50, uuid).finish();
    return this.sealedReply(reply, state, domain, checked, answer, uuid);
  }

  /**
   * Checks a command's signature as the car does: a paired key, the session's epoch, an expiry within the limit,
   * the HMAC over the metadata and payload, and a counter above the last one seen. The fault to answer, or who
   * signed it and with which session key.
   */
  private checkSignature(
    f: ReturnType<typeof fieldReader>,
    state: DomainState,
    domain: number,
    payload: Buffer,
    now: number,
  ): { fault: number; attachSession: boolean; signer?: Buffer } | { signer: Buffer; sessionKey: Buffer; tag: Buffer; flags: number } {
    const signature = f.bytes(13);
    const sig = signature ? fieldReader(readFields(signature)) : null;
    const signer = sig?.bytes(1) ? fieldReader(readFields(sig.bytes(1)!)).bytes(1) : undefined;
    const hmacData = sig?.bytes(8) ? fieldReader(readFields(sig.bytes(8)!)) : null;
    if (!signer || !hmacData) return { fault: FAULT.invalidSignature, attachSession: false };
    if (!this.paired.has(signer.toString('hex'))) return { fault: FAULT.unknownKey, attachSession: false };
    const faulted = (fault: number) => ({ fault, attachSession: true, signer });
    const epoch = hmacData.bytes(1) ?? Buffer.alloc(0);
    const counter = hmacData.uint(2) ?? 0;
    const expiresAt = hmacData.fixed32(3) ?? 0;
    const tag = hmacData.bytes(4) ?? Buffer.alloc(0);
    const clock = this.clock(now);
    if (!epoch.equals(state.epoch)) return faulted(FAULT.incorrectEpoch);
    if (expiresAt < clock) return faulted(FAULT.timeExpired);
    if (expiresAt > clock + TIME_TO_LIVE_LIMIT_S) return faulted(FAULT_TTL_TOO_LONG);
    const flags = f.uint(52) ?? 0;
    const meta = commandMetadata({ signatureType: SIGNATURE_TYPE.hmacPersonalized, domain: domain as Domain, vin: this.vin, epoch, expiresAt, counter, flags });
    const sessionKey = sharedKey(state.privateKey, signer);
    const expected = hmacPersonalizedTag(sessionKey, meta, payload);
    if (tag.length !== expected.length || !timingSafeEqual(tag, expected)) return faulted(FAULT.invalidSignature);
    const last = state.counters.get(signer.toString('hex')) ?? 0;
    if (counter <= last) return faulted(FAULT.invalidCounter);
    state.counters.set(signer.toString('hex'), counter);
    return { signer, sessionKey, tag, flags };
  }

  /** The car's answer, encrypted for the session as the client asked (FLAG_ENCRYPT_RESPONSE). */
  private sealedReply(
    reply: ProtoWriter,
    state: DomainState,
    domain: number,
    checked: { sessionKey: Buffer; tag: Buffer; flags: number },
    answer: Buffer,
    uuid: Buffer,
  ): Buffer {
    state.responseCounter += 1;
    const nonce = randomBytes(12);
    const replyFlags = this.responseFlags === 'echo' ? checked.flags : 0;
    const responseMeta = responseMetadata({
      domain: domain as Domain,
      vin: this.vin,
      counter: state.responseCounter,
      flags: replyFlags,
      requestHash: requestHash(domain as Domain, checked.tag),
      fault: 0,
    });
    const sealed = sealResponse(checked.sessionKey, responseMeta, nonce, answer);
    const sealedReply = reply
      .bytes(10, sealed.ciphertext)
      .message(13, (sd) => sd.message(9, (r) => r.bytes(1, nonce).uint(2, state.responseCounter).bytes(3, sealed.tag)));
    sealedReply.bytes(50, uuid);
    return (replyFlags !== 0 ? sealedReply.uint(52, replyFlags) : sealedReply).finish();
  }

  private withSessionInfo(reply: ProtoWriter, state: DomainState, clientKey: Buffer, uuid: Buffer, now: number): ProtoWriter {
    const known = this.paired.has(clientKey.toString('hex'));
    const info = encodeSessionInfo({
      counter: state.counters.get(clientKey.toString('hex')) ?? 0,
      publicKey: state.publicKey,
      epoch: state.epoch,
      clockTime: this.clock(now),
      status: known ? 0 : 1,
      handle: undefined,
    });
    const tag = clientKey.length === 65 ? sessionInfoTag(sharedKey(state.privateKey, clientKey), this.vin, uuid, info) : Buffer.alloc(32);
    return reply.bytes(15, info).message(13, (sd) => sd.message(6, (t) => t.bytes(1, tag)));
  }
}
