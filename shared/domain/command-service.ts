import type { Clock } from './clock';
import { ALREADY_DONE_REASONS } from './commands';
import type { CommandResult, FleetApi } from './fleet-api';
import { CommandOutcomeUnknownError, CommandSigningRequiredError, leavesOutcomeUnknown, SignedCommandsUnsupportedError, UnexpectedFleetResponseError, VehicleUnavailableError } from './fleet-errors';
import { chooseTransport, type SigningStatus, type SigningStatusStore, type Transport } from './signing-status';

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

/** The car did not come online before the request's deadline. */
export class VehicleWakeTimeoutError extends Error {
  constructor(readonly vin: string) {
    super(`vehicle ${vin} is waking up but was not online in time`);
    this.name = 'VehicleWakeTimeoutError';
  }
}

/** How long a command request may take, waking included: API Gateway gives up at 30 s, the function at 29 s. */
export const COMMAND_TIMEOUT_MS = 25_000;

/** How often to look (with the free state call) whether a woken car is online. */
export const WAKE_POLL_MS = 2_000;

/**
 * Sends one command, waking the car first if it sleeps. The free state call decides; a billed wake is spent only
 * on a car that is not online, and the command is sent only once the car is. Nothing here retries a command that
 * Tesla answered: a retried command can happen twice.
 */
export async function executeCommand(
  deps: CommandServiceDeps,
  request: { vin: string; command: string; body: Record<string, unknown>; deadline: number },
): Promise<CommandResultSummary> {
  const { vin, command, body, deadline } = request;
  let woke = false;
  const ensureOnline = async (): Promise<void> => {
    let state = (await deps.fleet.getVehicle(vin)).state;
    if (state === 'online') return;
    woke = true;
    state = (await deps.fleet.wakeUp(vin)).state;
    // Bounded by count as well as by time, so a clock that stands still cannot keep us here.
    for (let polls = Math.floor((deadline - deps.clock.now()) / WAKE_POLL_MS); state !== 'online'; polls--) {
      if (polls <= 0 || deps.clock.now() + WAKE_POLL_MS > deadline) throw new VehicleWakeTimeoutError(vin);
      await deps.sleep(WAKE_POLL_MS);
      state = (await deps.fleet.getVehicle(vin)).state;
    }
  };

  if (command === 'wake_up') {
    await ensureOnline();
    return { outcome: 'done', reason: '', woke, state: 'online', transport: 'rest' };
  }
  // Decided before any wake, so a car that cannot take the command costs no wake.
  const canSign = deps.signed ? await deps.signed.canSign(command, body) : false;
  let transport = await transportFor(deps, vin, canSign);
  await ensureOnline();

  // Once a command is on its way, a lost answer is reported as such and never retried. For a signed command this
  // also covers a failed handshake, where nothing ran yet: when in doubt, the answer errs towards not repeating.
  const dispatch = async (send: () => Promise<CommandResult>): Promise<CommandResult> => {
    try {
      return await send();
    } catch (error) {
      throw leavesOutcomeUnknown(error) ? new CommandOutcomeUnknownError(vin, command) : error;
    }
  };
  const sendOnce = async (): Promise<CommandResult> => {
    if (transport === 'signed') {
      try {
        return await dispatch(() => deps.signed!.send(deps.fleet, vin, command, body));
      } catch (error) {
        // 422: this car predates the protocol. Remember it and use REST (the signed command did not run).
        if (!(error instanceof SignedCommandsUnsupportedError)) throw error;
        await remember(deps, vin, false, 'command_answer');
        transport = 'rest';
      }
    }
    try {
      return await dispatch(() => deps.fleet.sendCommand(vin, command, body));
    } catch (error) {
      // 403 "Vehicle Command Protocol required": the REST command did not run. Remember it; sign if we can.
      if (!(error instanceof CommandSigningRequiredError)) throw error;
      await remember(deps, vin, true, 'command_answer');
      if (!canSign) throw error;
      transport = 'signed';
      return dispatch(() => deps.signed!.send(deps.fleet, vin, command, body));
    }
  };
  let answer;
  try {
    answer = await sendOnce();
  } catch (error) {
    // Asleep again between the state call and the command (408): the command did not run, so it is safe to resend.
    if (!(error instanceof VehicleUnavailableError)) throw error;
    await ensureOnline();
    answer = await sendOnce();
  }
  if (answer.result) return { outcome: 'done', reason: answer.reason, woke, transport };
  return { outcome: ALREADY_DONE_REASONS.has(answer.reason) ? 'already_done' : 'refused', reason: answer.reason, woke, transport };
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
  try {
    required = (await deps.fleet.fleetStatus([vin])).get(vin)?.protocolRequired ?? null;
  } catch (error) {
    // Only an answer Tesla should not have given is passed over; token, rate and network errors stop the command.
    if (!(error instanceof UnexpectedFleetResponseError)) throw error;
  }
  if (required === null) return 'signed';
  await remember(deps, vin, required, 'fleet_status');
  return required ? 'signed' : 'rest';
}

function remember(deps: CommandServiceDeps, vin: string, required: boolean, source: SigningStatus['source']): Promise<void> {
  return deps.signing.putSigningStatus(vin, { required, source, checkedAt: deps.clock.now() });
}
