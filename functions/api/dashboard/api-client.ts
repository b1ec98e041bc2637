/** Talks to the API this page is served from, with the token kept in this browser. */
const TOKEN_KEY = 'tesla-fleet-logger.api-token';

export class UnauthorizedError extends Error {}

export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type ErrorBody = { error?: { code: string; message: string } };

/** The API's error answer as an error: its code and words, or the status when it gave none. */
function apiError(status: number, body: ErrorBody | null): ApiClientError {
  return new ApiClientError(status, body?.error?.code ?? 'error', body?.error?.message ?? `HTTP ${status}`);
}

export const tokenStore = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (token: string): void => localStorage.setItem(TOKEN_KEY, token),
  clear: (): void => localStorage.removeItem(TOKEN_KEY),
};

/** An answer about a car that is no longer the one shown: dropped, never drawn (see selectCar). */
export class StaleAnswerError extends Error {}

let selection = 0;

/**
 * A new car is shown: every read still under way is for the car left behind, and its answer must not be drawn over
 * the new car's (nor pair the new car with the old car's drives). Those reads are cancelled, and an answer that
 * arrives all the same is refused with StaleAnswerError.
 */
let inFlight = new AbortController();
export function selectCar(): void {
  selection += 1;
  inFlight.abort();
  inFlight = new AbortController();
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = tokenStore.get();
  const read = (init.method ?? 'GET') === 'GET';
  const asked = selection;
  // Reads belong to the car shown when they were made; a command or an edit is never cancelled once sent.
  const signal = read ? inFlight.signal : null;
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      ...(signal ? { signal } : {}),
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
    });
  } catch (error) {
    if (signal?.aborted) throw new StaleAnswerError('the car shown changed');
    throw error;
  }
  if (res.status === 401) throw new UnauthorizedError('unauthorized');
  const body = (await res.json().catch(() => null)) as ErrorBody | null;
  if (read && asked !== selection) throw new StaleAnswerError('the car shown changed');
  if (!res.ok) throw apiError(res.status, body);
  return body as T;
}

/**
 * A file the API serves (the logbook's CSV, an invoice PDF), fetched with the token and handed to the browser as a
 * download. An error answer is thrown with its message, never saved as the file.
 */
export async function download(path: string, accept: string, fileName: string): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${tokenStore.get() ?? ''}`, accept } });
  if (res.status === 401) throw new UnauthorizedError('unauthorized');
  if (!res.ok) throw apiError(res.status, (await res.json().catch(() => null)) as ErrorBody | null);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await res.blob());
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(link.href);
}
