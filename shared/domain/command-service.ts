import type { Clock } from './clock';
import { ALREADY_DONE_REASONS } from './commands';
import type { FleetApi } from './fleet-api';
import { VehicleUnavailableError } from './fleet-errors';

export interface CommandServiceDeps {
  fleet: FleetApi;
  clock: Clock;
  /** Waits (a simulation's clock may jump instead). */
  sleep(ms: number): Promise<void>;
}

export interface CommandResultSummary {
  outcome: 'done' | 'already_done' | 'refused';
  reason: string;
  /** The car had to be woken first. */
  woke: boolean;
  state?: string;
}

/** The car did not come online before the request's deadline. */
export class VehicleWakeTimeoutError extends Error {
  constructor(readonly vin: string) {
    super(`vehicle ${vin} is waking up but was not online in time`);
    this.name = 'VehicleWakeTimeoutError';
  }
}

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
  if (command === 'wake_up') return { outcome: 'done', reason: '', woke, state: 'online' };
  let answer;
  try {
    answer = await deps.fleet.sendCommand(vin, command, body);
  } catch (error) {
    // Asleep again between the state call and the command (408): the command did not run, so it is safe to resend.
    if (!(error instanceof VehicleUnavailableError)) throw error;
    await ensureOnline();
    answer = await deps.fleet.sendCommand(vin, command, body);
  }
  if (answer.result) return { outcome: 'done', reason: answer.reason, woke };
  return { outcome: ALREADY_DONE_REASONS.has(answer.reason) ? 'already_done' : 'refused', reason: answer.reason, woke };
}
