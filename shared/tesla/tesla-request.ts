import { request, type Dispatcher } from 'undici';
import { FleetApiUnreachableError } from '../domain/fleet-errors';

export interface TeslaRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  dispatcher?: Dispatcher;
}

export interface TeslaAnswer {
  status: number;
  raw: string;
  retryAfter: string | string[] | undefined;
}

/**
 * One HTTP exchange with a Tesla host over undici (JSON accepted), read to the end. Whatever the status, the answer is
 * returned for the caller to judge; only a request that got no answer throws, as FleetApiUnreachableError.
 */
export async function teslaRequest(url: string, init: TeslaRequest): Promise<TeslaAnswer> {
  try {
    const res = await request(url, {
      method: init.method,
      headers: { accept: 'application/json', ...init.headers },
      ...(init.body !== undefined ? { body: init.body } : {}),
      headersTimeout: init.timeoutMs,
      bodyTimeout: init.timeoutMs,
      ...(init.dispatcher ? { dispatcher: init.dispatcher } : {}),
    });
    return { status: res.statusCode, raw: await res.body.text(), retryAfter: res.headers['retry-after'] };
  } catch (error) {
    throw new FleetApiUnreachableError(error instanceof Error ? error.message : 'request failed');
  }
}
