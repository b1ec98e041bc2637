import { createHash, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../domain/clock';

/** How long a loaded API token is trusted before it is read again (so a rotated token takes effect). */
export const API_TOKEN_CACHE_MS = 5 * 60_000;

/**
 * Checks the caller's bearer token against the expected API token in constant time (both are hashed first, so
 * neither their contents nor their lengths leak through timing). The expected token is cached for a few minutes.
 */
export class ApiTokenVerifier {
  private expected: { digest: Promise<Buffer>; loadedAt: number } | null = null;

  constructor(
    private readonly loadExpected: () => Promise<string>,
    private readonly clock: Clock = systemClock,
    private readonly cacheMs = API_TOKEN_CACHE_MS,
  ) {}

  async verify(presented: string | null): Promise<boolean> {
    const now = this.clock.now();
    if (this.expected === null || now - this.expected.loadedAt >= this.cacheMs) {
      const digestPromise = this.loadExpected().then(digest);
      this.expected = { digest: digestPromise, loadedAt: now };
      digestPromise.catch(() => {
        this.expected = null;
      });
    }
    const expected = await this.expected.digest;
    return presented !== null && presented !== '' && timingSafeEqual(digest(presented), expected);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The token from an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
