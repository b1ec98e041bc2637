/** Reading Tesla's answers: the `{response, error, error_description}` envelope, and Retry-After. */

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The error text of an envelope, or the raw body (bounded) when it is not one. */
export function errorText(body: unknown, raw: string): string {
  if (typeof body === 'object' && body !== null) {
    const { error, error_description: description } = body as { error?: unknown; error_description?: unknown };
    const parts = [error, description].filter((p): p is string => typeof p === 'string' && p !== '');
    if (parts.length > 0) return parts.join(': ');
  }
  return raw.slice(0, 300);
}

/** Seconds to wait after a 429: Retry-After, else the body's "Retry in N seconds", else null. */
export function retryAfterSeconds(header: string | string[] | undefined, raw: string): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined) {
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  }
  const match = /retry in (\d+) seconds?/i.exec(raw);
  return match ? Number(match[1]) : null;
}
