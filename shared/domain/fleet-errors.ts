import type { DescribedFailure, Failure, FailureContext } from './failure';

/**
 * Failures of the Fleet API, as the FleetApi port reports them. Adapters translate HTTP answers into these; each
 * says what it means for the owner (its `failure`).
 */
export class FleetApiError extends Error implements DescribedFailure {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = new.target.name;
  }

  failure(_context: FailureContext): Failure {
    return { code: 'tesla_error', message: `the Fleet API answered ${this.status}` };
  }
}

/** Seconds a client should wait before retrying a command to a car that is asleep. */
export const ASLEEP_RETRY_AFTER_SECONDS = 30;

/** 408 (or 503 from signed_command): the car is asleep or offline. `status` is Tesla's, which decides billing. */
export class VehicleUnavailableError extends FleetApiError {
  constructor(
    readonly vin: string,
    status = 408,
  ) {
    super(`vehicle ${vin} is unavailable (asleep or offline)`, status);
  }

  override failure(): Failure {
    return { code: 'vehicle_unavailable', message: 'the car is asleep or offline; wake it and retry', retryAfterSeconds: ASLEEP_RETRY_AFTER_SECONDS };
  }
}

/** 429: rate limited; retry after the given seconds. */
export class RateLimitedError extends FleetApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limited by the Fleet API; retry in ${retryAfterSeconds} s`, 429);
  }

  override failure(): Failure {
    return { code: 'tesla_rate_limited', message: this.message, retryAfterSeconds: this.retryAfterSeconds };
  }
}

/** 421: the account lives in another region; `baseUrl` is the host Tesla named, if it named one. */
export class WrongRegionError extends FleetApiError {
  constructor(readonly baseUrl: string | null) {
    super(`the Tesla account is served by another region${baseUrl ? ` (${baseUrl})` : ''}`, 421);
  }

  override failure(): Failure {
    return { code: 'tesla_wrong_region', message: this.message };
  }
}

/** 401 from a Fleet endpoint: the access token is expired or invalid. */
export class AccessTokenRejectedError extends FleetApiError {
  constructor() {
    super('the Fleet API rejected the access token', 401);
  }
}

/** The refresh chain is lost: the owner must log in again. */
export class LoginRequiredError extends FleetApiError {
  constructor(detail: string) {
    super(`Tesla requires a new login: ${detail}`, 401);
  }

  override failure(): Failure {
    return { code: 'tesla_login_required', message: 'the Tesla login has expired: run `npm run login` to sign in again' };
  }
}

/** 403 "Tesla Vehicle Command Protocol required": the car only accepts signed commands. */
export class CommandSigningRequiredError extends FleetApiError {
  constructor(readonly vin: string) {
    super(`vehicle ${vin} only accepts signed commands (Vehicle Command Protocol)`, 403);
  }

  override failure(): Failure {
    return { code: 'command_signing_required', message: `${this.message}: set up a vehicle command key (npm run keys) and pair it with the car` };
  }
}

/** 403 because the login lacks a scope the request needs (as its access token's claims show). */
export class MissingScopeError extends FleetApiError {
  constructor(readonly scopes: string[]) {
    super(`the Tesla login lacks the scope ${scopes.join(' and ')}`, 403);
  }

  override failure(): Failure {
    return { code: 'missing_scope', message: `${this.message}: add it to your app at developer.tesla.com, then sign in again (npm run login) and grant it` };
  }
}

/** `fleet_status` says the app's key is not paired with a car that needs signed commands: nothing was sent. */
export class CommandKeyNotPairedError extends Error implements CommandNotRunMark, DescribedFailure {
  readonly commandDidNotRun = true as const;

  constructor(readonly vin: string) {
    super(`the car ${vin} needs signed commands and Tesla says our key is not paired with it`);
    this.name = 'CommandKeyNotPairedError';
  }

  failure(context: FailureContext): Failure {
    return keyNotPaired(this.vin, context);
  }
}

/** The car does not know our key: where to pair it. (Tesla's `fleet_status` and the car's own refusal say the same.) */
export function keyNotPaired(vin: string, context: FailureContext): Failure {
  return {
    code: 'command_key_not_paired',
    message: `the car ${vin} needs signed commands and does not know our key yet: open ${context.pairingUrl} in the Tesla app, near the car, and approve the key`,
  };
}

/** 422 from signed_command: the car does not speak the Vehicle Command Protocol; REST commands still work. */
export class SignedCommandsUnsupportedError extends FleetApiError {
  constructor(readonly vin: string) {
    super(`vehicle ${vin} does not support signed commands`, 422);
  }
}

/** 404 for a car: the account has no such vehicle (a typo, or a car sold or removed). */
export class VehicleNotFoundError extends FleetApiError {
  constructor(readonly vin: string) {
    super(`Tesla knows no vehicle ${vin} on this account`, 404);
  }

  override failure(): Failure {
    return { code: 'vehicle_not_found', message: this.message };
  }
}

/** Any other answer we did not expect; `status` is Tesla's. */
export class UnexpectedFleetResponseError extends FleetApiError {}

/** The Fleet API did not answer (network failure or timeout). Not billed. */
export class FleetApiUnreachableError extends FleetApiError {
  constructor(detail: string) {
    super(`the Fleet API could not be reached: ${detail}`, 0);
  }

  override failure(): Failure {
    return { code: 'tesla_unreachable', message: 'the Fleet API did not answer' };
  }
}

/**
 * A command went out but no answer came back (network failure, a 5xx, or the car's own timeout): it may or may not
 * have run. Not retried, and an Idempotency-Key keeps this answer, so that a retry never repeats the command.
 */
export class CommandOutcomeUnknownError extends Error implements DescribedFailure {
  constructor(
    readonly vin: string,
    readonly command: string,
    options?: { cause?: unknown },
  ) {
    super(`${command} was sent to ${vin} but no readable answer came back; it may have run`, options);
    this.name = 'CommandOutcomeUnknownError';
  }

  failure(): Failure {
    return { code: 'command_outcome_unknown', message: `${this.message}: check the car's state before sending it again` };
  }
}

/**
 * A 2xx whose body is not the documented shape (HTML, truncated or empty JSON, a missing field). Tesla answered, so
 * it is billed, but the answer says nothing we can trust: never a reading, and for a command an unknown outcome.
 */
export class UnreadableAnswerError extends UnexpectedFleetResponseError {}

/** The request was never sent (no time left in its budget): nothing can have run. Not billed. */
export class RequestNotSentError extends FleetApiError {
  constructor(detail: string) {
    super(`the request was not sent: ${detail}`, 0);
  }
}

/**
 * Errors that prove a command did not run although it was on its way: the token could not be had, the key is
 * unusable, the car's protocol layer refused it. Adapters mark such errors with this property.
 */
export interface CommandNotRunMark {
  readonly commandDidNotRun: true;
}

function markedNotRun(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Partial<CommandNotRunMark>).commandDidNotRun === true;
}

/**
 * Whether a failure while a command was being sent leaves it unknown whether the car ran it. Only answers that say
 * the command was refused (a 4xx from Tesla, a protocol refusal, a request never sent) are known not to have run;
 * everything else — no answer, a reset, a 5xx, a 2xx we cannot read, an error we did not foresee — may hide a
 * command that ran, so it is reported as unknown and never sent again.
 */
export function leavesOutcomeUnknown(error: unknown): boolean {
  if (error instanceof CommandOutcomeUnknownError) return true;
  if (error instanceof RequestNotSentError || markedNotRun(error)) return false;
  if (error instanceof VehicleUnavailableError) return false; // 408, or 503 from signed_command: not delivered
  if (error instanceof FleetApiError) return error.status === 0 || error.status >= 500 || error.status < 400;
  return true;
}
