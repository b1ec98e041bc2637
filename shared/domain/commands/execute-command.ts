import type { Clock } from '../clock';
import type { DescribedFailure, Failure } from '../failure';
import { ALREADY_DONE_REASONS } from './catalogue';
import type { CommandResult, FleetApi } from '../fleet-api';
import {
  CommandKeyNotPairedError,
  CommandOutcomeUnknownError,
  CommandSigningRequiredError,
  leavesOutcomeUnknown,
  RateLimitedError,
  SignedCommandsUnsupportedError,
  UnexpectedFleetResponseError,
  VehicleUnavailableError,
} from '../fleet-errors';
import { secondsLeft, type RateLimitKind, type RateLimitMemory } from '../rate-limit-memory';
import { chooseTransport, type SigningStatus, type SigningStatusStore, type Transport } from '../signing-status';

/** Sends a command signed (Vehicle Command Protocol) through the given Fleet API; see shared/vcp. */
export interface SignedSender {
  /** A key exists and the command has a signed encoding. */
  canSign(command: string, body: Record<string, unknown>): Promise<boolean>;
  send(fleet: Pick<FleetApi, 'signedCommand'>, vin: string, command: string, body: Record<string, unknown>): Promise<CommandResult>;
}

export interface CommandServiceDeps {
  fleet: FleetApi;
  /** Present when the deployment can sign (Vehicle Command Protocol). */
  signed?: SignedSender;
  /** Which cars need signing, remembered between invocations. */
  signing: SigningStatusStore;
  /** Tesla's 429s per car, so a rate-limited car is not asked (and billed) again before it said to. */
  rateLimits: RateLimitMemory;
  clock: Clock;
  /** Waits (a simulation's clock may jump instead). */
  sleep(ms: number): Promise<void>;
}

export interface CommandResultSummary {
  outcome: 'done' | 'already_done' | 'refused';
  reason: string;
  /** The car had to be woken first. */
  woke: boolean;
  transport: Transport;
  state?: string;
}

/**
 * What a command did before it ended, whichever way it ended: the audit log records this for failures too (a billed
 * wake, the transport that was tried).
 */
export interface CommandProgress {
  woke: boolean;
  /** The transport of the last attempt to send the command; null if it was never sent. */
  transport: Transport | null;
}

/** The car did not come online before the request's deadline. */
export class VehicleWakeTimeoutError extends Error implements DescribedFailure {
  constructor(readonly vin: string) {
    super(`vehicle ${vin} is waking up but was not online in time`);
    this.name = 'VehicleWakeTimeoutError';
  }

  failure(): Failure {
    return { code: 'vehicle_waking', message: 'the car is waking up but was not online in time; retry shortly', retryAfterSeconds: 15 };
  }
}

/**
 * How long a command request may take, waking included. Every Tesla request inside it is cut off at this deadline,
 * so with the writes that follow it ends well inside the API function's 29 s (and API Gateway's 30 s).
 */
export const COMMAND_TIMEOUT_MS = 22_000;

/**
 * An Idempotency-Key still marked in progress after this long belongs to a request that died (the function's
 * timeout is 29 s): its outcome is unknown, and it is never run again.
 */
export const ABANDONED_CLAIM_MS = 60_000;

/** How often to look (with the free state call) whether a woken car is online. */
export const WAKE_POLL_MS = 2_000;

/**
 * Sends one command, waking the car first if it sleeps. The free state call decides; a billed wake is spent only
 * on a car that is not online, and the command is sent only once the car is. Nothing here retries a command that
 * Tesla may have run: a retried command can happen twice.
 */
export async function executeCommand(
  deps: CommandServiceDeps,
  request: { vin: string; command: string; body: Record<string, unknown>; deadline: number },
  progress: CommandProgress = { woke: false, transport: null },
): Promise<CommandResultSummary> {
  const run = new CommandRun(deps, request, progress);
  if (request.command === 'wake_up') {
    await run.ensureOnline();
    return { outcome: 'done', reason: '', woke: progress.woke, state: 'online', transport: 'rest' };
  }
  await run.refuseIfRateLimited('command');
  // Decided before any wake, so a car that cannot take the command costs no wake.
  const canSign = deps.signed ? await deps.signed.canSign(request.command, request.body) : false;
  const transport = await transportFor(deps, request.vin, canSign);
  const answer = await run.rememberRateLimit('command', async () => {
    await run.ensureOnline();
    try {
      return await run.sendOnce(transport, canSign);
    } catch (error) {
      // Asleep again between the state call and the command (408): the command did not run, so it is safe to resend.
      if (!(error instanceof VehicleUnavailableError)) throw error;
      await run.ensureOnline();
      return run.sendOnce(run.transport ?? transport, canSign);
    }
  });
  const summary = { reason: answer.reason, woke: progress.woke, transport: run.transport ?? transport };
  if (answer.result) return { outcome: 'done', ...summary };
  return { outcome: ALREADY_DONE_REASONS.has(answer.reason) ? 'already_done' : 'refused', ...summary };
}

/** One command's way to the car: its wake, its rate limits, and the transports it tried (kept in `progress`). */
class CommandRun {
  constructor(
    private readonly deps: CommandServiceDeps,
    private readonly request: { vin: string; command: string; body: Record<string, unknown>; deadline: number },
    private readonly progress: CommandProgress,
  ) {}

  /** The transport of the last attempt, or null before any. */
  get transport(): Transport | null {
    return this.progress.transport;
  }

  async refuseIfRateLimited(kind: RateLimitKind): Promise<void> {
    const wait = secondsLeft(await this.deps.rateLimits.rateLimitedUntil(this.request.vin, kind), this.deps.clock.now());
    if (wait > 0) throw new RateLimitedError(wait);
  }

  async rememberRateLimit<T>(kind: RateLimitKind, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof RateLimitedError)
        await this.deps.rateLimits.rememberRateLimit(this.request.vin, kind, this.deps.clock.now() + error.retryAfterSeconds * 1000);
      throw error;
    }
  }

  async ensureOnline(): Promise<void> {
    const { deps } = this;
    const { vin, deadline } = this.request;
    let state = (await deps.fleet.getVehicle(vin)).state;
    if (state === 'online') return;
    await this.refuseIfRateLimited('wake');
    this.progress.woke = true;
    state = (await this.rememberRateLimit('wake', () => deps.fleet.wakeUp(vin))).state;
    // Bounded by count as well as by time, so a clock that stands still cannot keep us here.
    for (let polls = Math.floor((deadline - deps.clock.now()) / WAKE_POLL_MS); state !== 'online'; polls--) {
      if (polls <= 0 || deps.clock.now() + WAKE_POLL_MS > deadline) throw new VehicleWakeTimeoutError(vin);
      await deps.sleep(WAKE_POLL_MS);
      state = (await deps.fleet.getVehicle(vin)).state;
    }
  }

  /** Sends the command once by `transport`, switching once when the car's answer proves the other one is needed. */
  async sendOnce(transport: Transport, canSign: boolean): Promise<CommandResult> {
    const { deps } = this;
    const { vin, command, body } = this.request;
    if (transport === 'signed') {
      try {
        return await this.dispatch('signed', () => deps.signed!.send(deps.fleet, vin, command, body));
      } catch (error) {
        // 422: this car predates the protocol. Remember it and use REST (the signed command did not run).
        if (!(error instanceof SignedCommandsUnsupportedError)) throw error;
        await remember(deps, vin, false, 'command_answer');
      }
    }
    try {
      const answer = await this.dispatch('rest', () => deps.fleet.sendCommand(vin, command, body));
      // The car took an unsigned command: it does not need signing. Learnt once, so /state can say so; only a hint,
      // so a failure to store it never turns a command that ran into an error.
      await learnNotRequired(deps, vin).catch(() => undefined);
      return answer;
    } catch (error) {
      // 403 "Vehicle Command Protocol required": the REST command did not run. Remember it; sign if we can.
      if (!(error instanceof CommandSigningRequiredError)) throw error;
      await remember(deps, vin, true, 'command_answer');
      if (!canSign) throw error;
      return this.dispatch('signed', () => deps.signed!.send(deps.fleet, vin, command, body));
    }
  }

  /**
   * Once a command is on its way, an answer that does not prove it was refused is an unknown outcome, never retried.
   * For a signed command this also covers a handshake that got no answer: when in doubt, never repeat.
   */
  private async dispatch(via: Transport, send: () => Promise<CommandResult>): Promise<CommandResult> {
    this.progress.transport = via;
    try {
      return await send();
    } catch (error) {
      throw leavesOutcomeUnknown(error) ? new CommandOutcomeUnknownError(this.request.vin, this.request.command, { cause: error }) : error;
    }
  }
}

/**
 * Signed or REST for this car: from what we remember, else from one `fleet_status` call, whose answer is kept. If
 * Tesla cannot say, signed is tried first (a car that predates the protocol answers 422, and that is kept instead).
 */
async function transportFor(deps: CommandServiceDeps, vin: string, canSign: boolean): Promise<Transport> {
  const known = await deps.signing.getSigningStatus(vin);
  const choice = chooseTransport({ canSign, status: known });
  // A car that only takes signed commands, and nothing to sign with: say so without waking it.
  if (choice === 'rest' && known?.required) throw new CommandSigningRequiredError(vin);
  if (choice !== 'ask') return choice;
  let required: boolean | null = null;
  let paired: boolean | null = null;
  try {
    const info = (await deps.fleet.fleetStatus([vin])).get(vin);
    required = info?.protocolRequired ?? null;
    paired = info?.keyPaired ?? null;
  } catch (error) {
    // Only an answer Tesla should not have given is passed over; token, rate and network errors stop the command.
    if (!(error instanceof UnexpectedFleetResponseError)) throw error;
  }
  // Say "pair the key" before any wake or signed attempt; not remembered, so the next command asks again.
  if (required === true && paired === false) throw new CommandKeyNotPairedError(vin);
  if (required === null) return 'signed';
  await remember(deps, vin, required, 'fleet_status');
  return required ? 'signed' : 'rest';
}

async function learnNotRequired(deps: CommandServiceDeps, vin: string): Promise<void> {
  if ((await deps.signing.getSigningStatus(vin)) === null) await remember(deps, vin, false, 'command_answer');
}

function remember(deps: CommandServiceDeps, vin: string, required: boolean, source: SigningStatus['source']): Promise<void> {
  return deps.signing.putSigningStatus(vin, { required, source, checkedAt: deps.clock.now() });
}
