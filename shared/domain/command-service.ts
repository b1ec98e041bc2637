import type { Clock } from './clock';
import { ALREADY_DONE_REASONS } from './commands';
import type { CommandResult, FleetApi } from './fleet-api';
import { NoCommandKeyError } from '../vcp/signed-command-client';
import { SignedCommandsUnsupportedError, VehicleUnavailableError } from './fleet-errors';

/** Sends a command signed (Vehicle Command Protocol); see shared/vcp. */
export interface SignedSender {
  canSign(command: string, body: Record<string, unknown>): boolean;
  send(vin: string, command: string, body: Record<string, unknown>): Promise<CommandResult>;
}

export interface CommandServiceDeps {
  fleet: FleetApi;
  /** Present when the deployment has a command key; tried first for commands it can encode. */
  signed?: SignedSender;
  /** Cars that answered 422 to signed_command in this process: REST for them. */
  restOnly?: Set<string>;
  clock: Clock;
  /** Waits (a simulation's clock may jump instead). */
  sleep(ms: number): Promise<void>;
}

export interface CommandResultSummary {
  outcome: 'done' | 'already_done' | 'refused';
  reason: string;
  /** The car had to be woken first. */
  woke: boolean;
  transport: 'signed' | 'rest';
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

  await ensureOnline();
  if (command === 'wake_up') return { outcome: 'done', reason: '', woke, state: 'online', transport: 'rest' };
  let transport: 'signed' | 'rest' = 'rest';
  const sendOnce = async (): Promise<CommandResult> => {
    if (deps.signed && deps.signed.canSign(command, body) && !deps.restOnly?.has(vin)) {
      try {
        transport = 'signed';
        return await deps.signed.send(vin, command, body);
      } catch (error) {
        // 422: this car predates the protocol; no key yet: try REST (a car that needs signing then says so).
        if (error instanceof SignedCommandsUnsupportedError) deps.restOnly?.add(vin);
        else if (!(error instanceof NoCommandKeyError)) throw error;
      }
    }
    transport = 'rest';
    return deps.fleet.sendCommand(vin, command, body);
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
