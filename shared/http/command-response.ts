import type { CommandAnswer } from '../domain/commands/send-command';
import { ApiError } from './api-error';
import { failureResponse } from './error-mapping';
import { errorBody, json, type HttpResult } from './responses';

/** A command's answer as the API gives it; a retry that got the kept outcome says so in `Idempotent-Replayed`. */
export function commandResponse(answer: CommandAnswer): HttpResult {
  if (answer.kind === 'key_in_use') throw new ApiError(409, 'request_in_progress', 'a request with this Idempotency-Key is still running');
  if (answer.kind === 'key_reused') throw new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was used for a different command or body');
  const replayed: Record<string, string> = answer.replayed ? { 'idempotent-replayed': 'true' } : {};
  const { outcome } = answer;
  switch (outcome.kind) {
    case 'sent': {
      const { kind: _kind, ...body } = outcome;
      return json(200, body, replayed);
    }
    case 'refused':
      return json(409, errorBody('command_failed', `the car refused ${outcome.command}: ${outcome.reason || 'no reason given'}`), replayed);
    case 'failed':
      return failureResponse(outcome.failure, replayed);
  }
}
