import { LogbookIndexingError } from '../domain/history/logbook-index';
import { LogbookDamagedError } from '../domain/history/logbook-reads';
import { LogbookBusyError } from '../domain/history/logbook-store';
import {
  CommandKeyNotPairedError,
  CommandOutcomeUnknownError,
  CommandSigningRequiredError,
  FleetApiError,
  FleetApiUnreachableError,
  LoginRequiredError,
  MissingScopeError,
  RateLimitedError,
  VehicleNotFoundError,
  VehicleUnavailableError,
  WrongRegionError,
} from '../domain/fleet-errors';
import { CommandKeyInvalidError } from '../vcp/command-key';
import { RotationTimeoutError } from '../secrets/secrets-manager-token-store';
import { VehicleWakeTimeoutError } from '../domain/commands/execute-command';
import { CommandKeyNotAcceptedError, FAULT, SessionInfoRejectedError, SignedCommandFaultError } from '../vcp/signed-command-client';
import { InvalidCursorError } from '../store/invalid-cursor-error';
import { TokenBundleInvalidError } from '../tokens/token-bundle';
import { NoTokenError } from '../tokens/token-refresh';
import { ApiError } from './api-error';
import { errorBody, json, type HttpResult } from './responses';

/** The error code for a command that went out without an answer: it may have run, so it is never retried. */
export const COMMAND_OUTCOME_UNKNOWN = 'command_outcome_unknown';

/** Seconds a client should wait before retrying a command to a car that is asleep. */
export const ASLEEP_RETRY_AFTER_SECONDS = 30;

/**
 * Turns a thrown error into the response the caller sees. Known failures get their own status and code; anything
 * else is a bare 500 so that no internal detail (let alone a secret) reaches the client. `expose` tells the caller
 * whether the error was one we expected (so unexpected ones can be logged in full).
 */
/** `pairingUrl`: where this deployment's key is paired (the simulator's page locally); unknown, the generic one. */
export function errorToResponse(error: unknown, pairingUrl?: string | null): { response: HttpResult; expected: boolean } {
  const mapped = toApiError(error, pairingUrl ?? 'https://tesla.com/_ak/<your API domain>');
  if (mapped === null) {
    return { response: json(500, errorBody('internal_error', 'internal server error')), expected: false };
  }
  return { response: json(mapped.status, errorBody(mapped.code, mapped.message), mapped.headers), expected: true };
}

function toApiError(error: unknown, pairingUrl: string): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof InvalidCursorError) return new ApiError(400, 'invalid_cursor', error.message);
  if (error instanceof LogbookBusyError) return new ApiError(409, 'logbook_busy', error.message, { 'retry-after': '1' });
  if (error instanceof LogbookIndexingError) return new ApiError(503, 'logbook_indexing', error.message, { 'retry-after': '5' });
  if (error instanceof LogbookDamagedError) return new ApiError(409, 'logbook_damaged', error.message);
  if (error instanceof NoTokenError) return new ApiError(503, 'tesla_not_configured', error.message);
  if (error instanceof TokenBundleInvalidError) return new ApiError(503, 'tesla_not_configured', error.message);
  if (error instanceof CommandKeyInvalidError) return new ApiError(503, 'command_key_invalid', `${error.message}: replace it with \`npm run keys -- --force\` and pair the new key`);
  // The car itself saying it does not know our key is the same news as Tesla saying it is not paired.
  const notPaired = error instanceof CommandKeyNotPairedError || (error instanceof CommandKeyNotAcceptedError && error.fault === FAULT.unknownKey);
  if (notPaired) return new ApiError(403, 'command_key_not_paired', `the car ${error.vin} needs signed commands and does not know our key yet: open ${pairingUrl} in the Tesla app, near the car, and approve the key`);
  if (error instanceof CommandKeyNotAcceptedError) return new ApiError(403, 'command_key_not_accepted', error.message);
  if (error instanceof SignedCommandFaultError) {
    if (error.fault === FAULT.busy) return new ApiError(503, 'vehicle_busy', error.message, { 'retry-after': '5' });
    if (error.fault === FAULT.remoteAccessDisabled) return new ApiError(403, 'remote_access_disabled', error.message);
    return new ApiError(502, 'vehicle_command_fault', error.message);
  }
  if (error instanceof CommandOutcomeUnknownError) {
    return new ApiError(504, COMMAND_OUTCOME_UNKNOWN, `${error.message}: check the car's state before sending it again`);
  }
  if (error instanceof SessionInfoRejectedError) return new ApiError(502, 'vehicle_session_rejected', error.message);
  if (error instanceof VehicleWakeTimeoutError) {
    return new ApiError(503, 'vehicle_waking', 'the car is waking up but was not online in time; retry shortly', { 'retry-after': '15' });
  }
  if (error instanceof RotationTimeoutError) {
    return new ApiError(503, 'tesla_token_unavailable', 'no fresh Tesla token yet; if this persists, check the token rotation alarm', { 'retry-after': '60' });
  }
  if (!(error instanceof FleetApiError)) return null;
  if (error instanceof VehicleNotFoundError) return new ApiError(404, 'vehicle_not_found', error.message);
  if (error instanceof MissingScopeError) {
    return new ApiError(403, 'missing_scope', `${error.message}: add it to your app at developer.tesla.com, then sign in again (npm run login) and grant it`);
  }
  if (error instanceof VehicleUnavailableError) {
    return new ApiError(503, 'vehicle_unavailable', 'the car is asleep or offline; wake it and retry', {
      'retry-after': String(ASLEEP_RETRY_AFTER_SECONDS),
    });
  }
  if (error instanceof RateLimitedError) {
    return new ApiError(429, 'tesla_rate_limited', error.message, { 'retry-after': String(error.retryAfterSeconds) });
  }
  if (error instanceof LoginRequiredError) {
    return new ApiError(502, 'tesla_login_required', 'the Tesla login has expired: run `npm run login` to sign in again');
  }
  if (error instanceof CommandSigningRequiredError) {
    return new ApiError(501, 'command_signing_required', `${error.message}: set up a vehicle command key (npm run keys) and pair it with the car`);
  }
  if (error instanceof WrongRegionError) return new ApiError(502, 'tesla_wrong_region', error.message);
  if (error instanceof FleetApiUnreachableError) return new ApiError(504, 'tesla_unreachable', 'the Fleet API did not answer');
  return new ApiError(502, 'tesla_error', `the Fleet API answered ${error.status}`);
}
