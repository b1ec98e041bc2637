import { describeFailure, GENERIC_PAIRING_URL, INTERNAL_FAILURE, type Failure, type FailureCode } from '../domain/failure';
import { ApiError } from './api-error';
import { errorBody, json, type HttpResult } from './responses';

/**
 * The HTTP status of each failure code: the one place the API decides it. A code the domain adds without a status
 * here does not compile.
 */
export const FAILURE_STATUS: Record<FailureCode, number> = {
  invalid_cursor: 400,
  logbook_busy: 409,
  logbook_indexing: 503,
  logbook_damaged: 409,
  tesla_not_configured: 503,
  command_key_invalid: 503,
  command_key_not_paired: 403,
  command_key_not_accepted: 403,
  remote_access_disabled: 403,
  vehicle_busy: 503,
  vehicle_command_fault: 502,
  vehicle_session_rejected: 502,
  command_outcome_unknown: 504,
  vehicle_waking: 503,
  tesla_token_unavailable: 503,
  vehicle_not_found: 404,
  missing_scope: 403,
  vehicle_unavailable: 503,
  tesla_rate_limited: 429,
  tesla_login_required: 502,
  command_signing_required: 501,
  tesla_wrong_region: 502,
  tesla_unreachable: 504,
  tesla_error: 502,
  internal_error: 500,
};

/** A failure as the API answers it: its status, its code and words, and Retry-After when it has one. */
export function failureResponse(failure: Failure, extraHeaders: Record<string, string> = {}): HttpResult {
  const headers = { ...(failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {}), ...extraHeaders };
  return json(FAILURE_STATUS[failure.code], errorBody(failure.code, failure.message), headers);
}

/**
 * Turns a thrown error into the response the caller sees. The API's own errors (bad input) carry their response;
 * any other error describes its failure; one that does not is a bare 500, so that no internal detail (let alone a
 * secret) reaches the client. `expected` tells the caller whether the error was one we foresaw (so unexpected ones
 * can be logged in full).
 */
/** `pairingUrl`: where this deployment's key is paired (the simulator's page locally); unknown, the generic one. */
export function errorToResponse(error: unknown, pairingUrl?: string | null): { response: HttpResult; expected: boolean } {
  if (error instanceof ApiError) return { response: json(error.status, errorBody(error.code, error.message), error.headers), expected: true };
  const failure = describeFailure(error, { pairingUrl: pairingUrl ?? GENERIC_PAIRING_URL });
  return { response: failureResponse(failure ?? INTERNAL_FAILURE), expected: failure !== null };
}
