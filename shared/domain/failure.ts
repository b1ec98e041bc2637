/**
 * What went wrong, as every caller sees it: the API (which maps each code to an HTTP status in one table), the
 * automation runner and the audit log. Errors from any layer describe themselves as a Failure (the `failure`
 * method), so nothing above them needs to know their classes.
 */
export interface Failure {
  code: FailureCode;
  /** Words for the owner: what happened and what to do. Never a secret. */
  message: string;
  /** When trying again can make sense (a car asleep, a rate limit). */
  retryAfterSeconds?: number;
}

/** What a failure's words may need to know about this deployment. */
export interface FailureContext {
  /** Where the owner pairs this deployment's command key (the simulator's page locally). */
  pairingUrl: string;
}

/**
 * Every failure code, with whether a command that failed so may be sent again under the same Idempotency-Key: only
 * when it is known not to have run and trying later can succeed. A command sent without an answer
 * (`command_outcome_unknown`) is final: it may have run.
 */
export const FAILURE_CODES = {
  invalid_cursor: { retryable: false },
  logbook_busy: { retryable: false },
  logbook_indexing: { retryable: true },
  logbook_damaged: { retryable: false },
  tesla_not_configured: { retryable: true },
  command_key_invalid: { retryable: true },
  command_key_not_paired: { retryable: false },
  command_key_not_accepted: { retryable: false },
  remote_access_disabled: { retryable: false },
  vehicle_busy: { retryable: true },
  vehicle_command_fault: { retryable: true },
  vehicle_session_rejected: { retryable: true },
  command_outcome_unknown: { retryable: false },
  vehicle_waking: { retryable: true },
  tesla_token_unavailable: { retryable: true },
  vehicle_not_found: { retryable: false },
  missing_scope: { retryable: false },
  vehicle_unavailable: { retryable: true },
  tesla_rate_limited: { retryable: true },
  tesla_login_required: { retryable: true },
  command_signing_required: { retryable: true },
  tesla_wrong_region: { retryable: true },
  tesla_unreachable: { retryable: true },
  tesla_error: { retryable: true },
  internal_error: { retryable: true },
} as const satisfies Record<string, { retryable: boolean }>;

export type FailureCode = keyof typeof FAILURE_CODES;

/** Errors that know what failure they are. */
export interface DescribedFailure {
  failure(context: FailureContext): Failure;
}

function isDescribed(error: unknown): error is DescribedFailure {
  return typeof error === 'object' && error !== null && typeof (error as Partial<DescribedFailure>).failure === 'function';
}

/** The failure an error describes, or null for an error nobody foresaw (a bug: shown as internal_error, logged). */
export function describeFailure(error: unknown, context: FailureContext): Failure | null {
  return isDescribed(error) ? error.failure(context) : null;
}

export const INTERNAL_FAILURE: Failure = { code: 'internal_error', message: 'internal server error' };

/** Where a deployment's key is paired when the deployment does not know its own page yet. */
export const GENERIC_PAIRING_URL = 'https://tesla.com/_ak/<your API domain>';
