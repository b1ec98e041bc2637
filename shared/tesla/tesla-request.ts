import type { Dispatcher } from 'undici';
import { request } from '../outbound/lazy-undici';
import { FleetApiUnreachableError, RequestNotSentError } from '../domain/fleet-errors';
import { currentFleetCallContext } from '../domain/fleet-call-context';
import { readBounded } from '../http/read-bounded';

export interface TeslaRequest {
  method: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange, body included, ends within this (and within the context's deadline, if sooner). */
  timeoutMs: number;
  dispatcher?: Dispatcher;
  /** What is accepted (JSON unless said); a document (an invoice PDF) is read as bytes, up to `maxBytes`. */
  accept?: string;
  maxBytes?: number;
}

export interface TeslaAnswer {
  status: number;
  /** The body as text (UTF-8). */
  raw: string;
  /** The body as it came. */
  bytes: Buffer;
  retryAfter: string | string[] | undefined;
}

/** Below this much time left, a request is not started: it could not finish. */
const MIN_REQUEST_MS = 250;
/** Answers larger than this are not Tesla's (vehicle_data is a few KiB): the exchange is abandoned. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * One HTTP exchange with a Tesla host over undici (JSON accepted), read to the end within a total deadline: the
 * request's own timeout or the surrounding work's deadline, whichever is sooner. A trickling answer is cut off at the
 * deadline, not kept alive by each new byte. Whatever the status, the answer is returned for the caller to judge;
 * a request that got no (complete) answer throws FleetApiUnreachableError, and one with no time left to start is
 * not sent (RequestNotSentError).
 */
export async function teslaRequest(url: string, init: TeslaRequest): Promise<TeslaAnswer> {
  const { deadline } = currentFleetCallContext();
  const budget = Math.min(init.timeoutMs, deadline === undefined ? Infinity : deadline - Date.now());
  if (budget < MIN_REQUEST_MS) throw new RequestNotSentError('no time left before the deadline');
  const signal = AbortSignal.timeout(budget);
  try {
    const res = await request(url, {
      method: init.method,
      headers: { accept: init.accept ?? 'application/json', ...init.headers },
      ...(init.body !== undefined ? { body: init.body } : {}),
      headersTimeout: budget,
      bodyTimeout: budget,
      signal,
      ...(init.dispatcher ? { dispatcher: init.dispatcher } : {}),
    });
    const maxBytes = init.maxBytes ?? MAX_ANSWER_BYTES;
    const bytes = await readBounded(res.body, maxBytes);
    if (bytes === null) throw new Error(`answer larger than ${maxBytes} bytes`);
    return { status: res.statusCode, raw: bytes.toString('utf8'), bytes, retryAfter: res.headers['retry-after'] };
  } catch (error) {
    const timedOut = signal.aborted;
    throw new FleetApiUnreachableError(timedOut ? `no complete answer within ${budget} ms` : error instanceof Error ? error.message : 'request failed');
  }
}
