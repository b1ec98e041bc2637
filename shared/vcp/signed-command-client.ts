import type { DescribedFailure, Failure, FailureContext } from '../domain/failure';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock';
import type { CommandResult } from '../domain/fleet-api';
import { CommandOutcomeUnknownError, keyNotPaired, type CommandNotRunMark } from '../domain/fleet-errors';
import type { CommandKey } from './command-key';
import {
  commandMetadata,
  DOMAIN,
  FLAG_ENCRYPT_RESPONSE,
  hmacPersonalizedTag,
  openResponse,
  requestHash,
  responseMetadata,
  sharedKey,
  SIGNATURE_TYPE,
  verifySessionInfoTag,
  type Domain,
} from './crypto';
import { decodeRoutableReply, decodeSessionInfo, sessionInfoRequest, signedCommandMessage, type RoutableReply } from './messages';
import { decodeCarServerResponse, signedPayload } from './payloads';

/** Posts a RoutableMessage to the car (Fleet API `signed_command`) and returns the car's reply. */
export interface SignedCommandTransport {
  signedCommand(vin: string, routableMessage: Buffer): Promise<Buffer>;
}

/** What is kept between invocations per car and domain, so a warm path is one round trip. */
export interface VehicleSession {
  vin: string;
  domain: Domain;
  vehiclePublicKey: Buffer;
  epoch: Buffer;
  counter: number;
  /** Our clock (s) minus the car's clock_time at the handshake. */
  timeZero: number;
  /** The car's clock_time in the session info last adopted: a later one that goes backwards in this epoch is refused. */
  clockTime: number;
}

export interface SessionCache {
  get(vin: string, domain: Domain): Promise<VehicleSession | null>;
  put(session: VehicleSession): Promise<void>;
}

export class MemorySessionCache implements SessionCache {
  private readonly sessions = new Map<string, VehicleSession>();
  get(vin: string, domain: Domain): Promise<VehicleSession | null> {
    return Promise.resolve(this.sessions.get(`${vin}#${domain}`) ?? null);
  }
  put(session: VehicleSession): Promise<void> {
    this.sessions.set(`${session.vin}#${session.domain}`, { ...session });
    return Promise.resolve();
  }
}

export const FAULT = {
  busy: 1,
  timeout: 2,
  unknownKey: 3,
  inactiveKey: 4,
  invalidSignature: 5,
  invalidCounter: 6,
  insufficientPrivileges: 7,
  incorrectEpoch: 15,
  timeExpired: 17,
  remoteAccessDisabled: 21,
} as const;
const RESYNC_FAULTS = new Set<number>([FAULT.invalidSignature, FAULT.invalidCounter, FAULT.incorrectEpoch, FAULT.timeExpired]);
const COMMAND_LIFETIME_S = 10;
/** The counter is a uint32; Tesla's client stops at its maximum rather than wrap around. */
const MAX_COUNTER = 0xffffffff;

export class NoCommandKeyError extends Error implements CommandNotRunMark {
  /** Raised before a command reached the car, or as the car's refusal of it. */
  readonly commandDidNotRun = true as const;

  constructor() {
    super('no vehicle command key: run `npm run keys` and pair it with the car');
    this.name = 'NoCommandKeyError';
  }
}

/** The car does not know our key (or it is inactive / lacks the privilege). */
export class CommandKeyNotAcceptedError extends Error implements CommandNotRunMark, DescribedFailure {
  /** Raised before a command reached the car, or as the car's refusal of it. */
  readonly commandDidNotRun = true as const;

  constructor(
    readonly vin: string,
    readonly fault: number,
  ) {
    super(
      fault === FAULT.inactiveKey
        ? `the car ${vin} has our key but it is inactive`
        : fault === FAULT.insufficientPrivileges
          ? `our key lacks the privilege for this command on ${vin}`
          : `the car ${vin} does not know our key: pair it in the Tesla app at https://tesla.com/_ak/<your domain>`,
    );
    this.name = 'CommandKeyNotAcceptedError';
  }

  failure(context: FailureContext): Failure {
    return this.fault === FAULT.unknownKey ? keyNotPaired(this.vin, context) : { code: 'command_key_not_accepted', message: this.message };
  }
}

/** The protocol layer refused the command for another reason (fault number from MessageFault_E). */
export class SignedCommandFaultError extends Error implements CommandNotRunMark, DescribedFailure {
  /** Raised before a command reached the car, or as the car's refusal of it. */
  readonly commandDidNotRun = true as const;

  constructor(readonly fault: number) {
    super(
      fault === FAULT.busy
        ? 'the car is busy and did not take the command; retry in a few seconds'
        : fault === FAULT.remoteAccessDisabled
          ? 'the car refuses remote commands: turn on Controls > Safety > Allow Mobile Access'
          : `the car's command protocol refused the command (fault ${fault})`,
    );
    this.name = 'SignedCommandFaultError';
  }

  failure(): Failure {
    if (this.fault === FAULT.busy) return { code: 'vehicle_busy', message: this.message, retryAfterSeconds: 5 };
    if (this.fault === FAULT.remoteAccessDisabled) return { code: 'remote_access_disabled', message: this.message };
    return { code: 'vehicle_command_fault', message: this.message };
  }
}

/** Session info we will not adopt: its tag did not verify, or it goes backwards (an old answer replayed). */
export class SessionInfoRejectedError extends Error implements CommandNotRunMark, DescribedFailure {
  /** Raised before a command reached the car, or as the car's refusal of it. */
  readonly commandDidNotRun = true as const;

  constructor(why = 'failed authentication') {
    super(`the car’s session info ${why}`);
    this.name = 'SessionInfoRejectedError';
  }

  failure(): Failure {
    return { code: 'vehicle_session_rejected', message: this.message };
  }
}

/**
 * Sends commands signed HMAC_PERSONALIZED (what the Fleet API accepts): a per-domain handshake whose session info
 * is authenticated, then counter, expiry and metadata signed with a subkey of the ECDH-derived session key. On a
 * stale counter, epoch or clock the car attaches fresh session info; it is authenticated, adopted, and the command
 * re-signed once.
 */
export class SignedCommandClient {
  constructor(
    private readonly deps: {
      key: () => Promise<CommandKey | null>;
      sessions: SessionCache;
      clock: Clock;
      random?: (n: number) => Buffer;
    },
  ) {}

  /** Whether a key exists and `command` has a signed encoding (otherwise it must go by REST). */
  async canSign(command: string, body: Record<string, unknown>): Promise<boolean> {
    return signedPayload(command, body) !== null && (await this.deps.key()) !== null;
  }

  /** Sends through `transport` (the Fleet API's `signed_command`, metered by the caller). */
  async send(transport: SignedCommandTransport, vin: string, command: string, body: Record<string, unknown>): Promise<CommandResult> {
    const encoded = signedPayload(command, body);
    if (encoded === null) throw new Error(`no signed encoding for ${command}`);
    const key = await this.deps.key();
    if (key === null) throw new NoCommandKeyError();
    let session = (await this.deps.sessions.get(vin, encoded.domain)) ?? (await this.handshake(transport, vin, encoded.domain, key));
    for (let attempt = 0; ; attempt++) {
      if (session.counter >= MAX_COUNTER) throw new SessionInfoRejectedError('has no counter left in this epoch; the car must start a new one');
      const uuid = this.random(16);
      const { reply, requestTag, sessionKey } = await this.sign(transport, vin, encoded.domain, encoded.payload, key, session, uuid);
      session = { ...session, counter: session.counter + 1 };
      // The car has seen this counter even if it then refused the command, so it is kept either way.
      await this.deps.sessions.put(session);
      if (reply.fault === 0) {
        const payload = this.plaintext(vin, command, encoded.domain, reply, requestTag, sessionKey);
        if (encoded.domain === DOMAIN.infotainment && payload.length > 0) {
          const result = decodeCarServerResponse(payload);
          return { result: result.ok, reason: result.reason };
        }
        return { result: true, reason: '' };
      }
      if (reply.fault === FAULT.unknownKey || reply.fault === FAULT.inactiveKey || reply.fault === FAULT.insufficientPrivileges) {
        throw new CommandKeyNotAcceptedError(vin, reply.fault);
      }
      // The car's own timeout: the command may have run.
      if (reply.fault === FAULT.timeout) throw new CommandOutcomeUnknownError(vin, command);
      if (!RESYNC_FAULTS.has(reply.fault) || attempt > 0) throw new SignedCommandFaultError(reply.fault);
      session =
        reply.sessionInfo && reply.sessionInfoTag
          ? this.adopt(vin, encoded.domain, key, reply, uuid, session)
          : await this.handshake(transport, vin, encoded.domain, key);
      await this.deps.sessions.put(session);
    }
  }

  private async sign(
    transport: SignedCommandTransport,
    vin: string,
    domain: Domain,
    payload: Buffer,
    key: CommandKey,
    session: VehicleSession,
    uuid: Buffer,
  ): Promise<{ reply: RoutableReply; requestTag: Buffer; sessionKey: Buffer }> {
    const counter = session.counter + 1;
    const expiresAt = Math.floor(this.deps.clock.now() / 1000) - session.timeZero + COMMAND_LIFETIME_S;
    const meta = commandMetadata({
      signatureType: SIGNATURE_TYPE.hmacPersonalized,
      domain,
      vin,
      epoch: session.epoch,
      expiresAt,
      counter,
      flags: FLAG_ENCRYPT_RESPONSE,
    });
    const sessionKey = sharedKey(key.privateRaw, session.vehiclePublicKey);
    const tag = hmacPersonalizedTag(sessionKey, meta, payload);
    const message = signedCommandMessage(
      domain,
      payload,
      { publicKey: key.publicKey, epoch: session.epoch, counter, expiresAt, tag },
      this.random(16),
      uuid,
      FLAG_ENCRYPT_RESPONSE,
    );
    return { reply: decodeRoutableReply(await transport.signedCommand(vin, message)), requestTag: tag, sessionKey };
  }

  /**
   * The car's answer in plaintext. We ask for encrypted responses, as Tesla's own client does; firmware before 2024.38
   * answers in plaintext. An encrypted answer that fails authentication cannot be trusted to say what happened,
   * though the car did answer: the command may have run.
   */
  private plaintext(vin: string, command: string, domain: Domain, reply: RoutableReply, requestTag: Buffer, sessionKey: Buffer): Buffer {
    const sealed = reply.responseEncryption;
    if (!sealed) return reply.payload ?? Buffer.alloc(0);
    // Authenticated with the flags the reply itself carries (0 when absent), as Tesla's client does, not ours.
    const meta = responseMetadata({
      domain,
      vin,
      counter: sealed.counter,
      flags: reply.flags,
      requestHash: requestHash(domain, requestTag),
      fault: reply.fault,
    });
    try {
      return openResponse(sessionKey, meta, sealed.nonce, reply.payload ?? Buffer.alloc(0), sealed.tag);
    } catch {
      throw new CommandOutcomeUnknownError(vin, command);
    }
  }

  private async handshake(transport: SignedCommandTransport, vin: string, domain: Domain, key: CommandKey): Promise<VehicleSession> {
    const uuid = this.random(16);
    const reply = decodeRoutableReply(await transport.signedCommand(vin, sessionInfoRequest(domain, key.publicKey, this.random(16), uuid)));
    if (!reply.sessionInfo || !reply.sessionInfoTag) throw new SignedCommandFaultError(reply.fault);
    const session = this.adopt(vin, domain, key, reply, uuid);
    await this.deps.sessions.put(session);
    return session;
  }

  /**
   * Authenticates session info (challenge: the uuid of our request) and turns it into a session. Nothing in it is
   * believed before its tag verifies, its status included. Within the epoch we know, info whose counter or clock
   * goes backwards is an old answer replayed, and is refused.
   */
  private adopt(vin: string, domain: Domain, key: CommandKey, reply: RoutableReply, uuid: Buffer, current?: VehicleSession): VehicleSession {
    const info = decodeSessionInfo(reply.sessionInfo!);
    const sessionKey = sharedKey(key.privateRaw, info.publicKey);
    if (!verifySessionInfoTag(sessionKey, vin, uuid, reply.sessionInfo!, reply.sessionInfoTag!)) throw new SessionInfoRejectedError();
    if (info.status === 1) throw new CommandKeyNotAcceptedError(vin, FAULT.unknownKey);
    if (current && current.epoch.equals(info.epoch) && (info.counter < current.counter || info.clockTime < current.clockTime)) {
      throw new SessionInfoRejectedError('goes backwards within its epoch');
    }
    const timeZero = Math.floor(this.deps.clock.now() / 1000) - info.clockTime;
    return { vin, domain, vehiclePublicKey: info.publicKey, epoch: info.epoch, counter: info.counter, timeZero, clockTime: info.clockTime };
  }

  private random(n: number): Buffer {
    return this.deps.random?.(n) ?? randomBytes(n);
  }
}
