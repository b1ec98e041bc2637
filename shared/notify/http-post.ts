import { request } from '../http/lazy-undici';

/** A channel did not take the notification; the message names the status or what went wrong, never the URL. */
export class ChannelRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelRejectedError';
  }
}

/** POSTs and reads the answer to the end before `deadline`; anything but a 2xx is a rejection. */
export async function postBefore(url: string, deadline: number, headers: Record<string, string>, body: string): Promise<void> {
  const budget = deadline - Date.now();
  if (budget < 100) throw new ChannelRejectedError('no time left to send');
  const signal = AbortSignal.timeout(budget);
  let status: number;
  try {
    const res = await request(url, { method: 'POST', headers, body, headersTimeout: budget, bodyTimeout: budget, signal });
    status = res.statusCode;
    await res.body.dump({ limit: 64 * 1024 });
  } catch {
    throw new ChannelRejectedError(signal.aborted ? `no answer within ${budget} ms` : 'could not connect');
  }
  if (status < 200 || status >= 300) throw new ChannelRejectedError(`answered HTTP ${status}`);
}
