import { timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../domain/clock';
import { OWNER_CALLER, tokenDigest, type ApiCaller, type ReadTokenRecord } from './read-tokens';

/** How long loaded API tokens are trusted before they are read again (so a rotated or revoked token takes effect). */
export const API_TOKEN_CACHE_MS = 5 * 60_000;

/** The tokens the API accepts: the owner's, and any read-only ones (hashed). */
export interface ApiTokenSet {
  owner: string;
  readTokens: readonly ReadTokenRecord[];
}

interface Digests {
  owner: Buffer;
  read: Array<{ name: string; digest: Buffer }>;
}

/**
 * Checks the caller's bearer token in constant time per candidate (everything is compared as SHA-256 digests, so
 * neither contents nor lengths leak through timing) and says whose it is. Loaded tokens are cached for a few minutes.
 */
export class ApiTokenVerifier {
  private expected: { digests: Promise<Digests>; loadedAt: number } | null = null;

  constructor(
    private readonly load: () => Promise<string | ApiTokenSet>,
    private readonly clock: Clock = systemClock,
    private readonly cacheMs = API_TOKEN_CACHE_MS,
  ) {}

  /** The caller the token belongs to, or null for a missing or wrong token. */
  async verify(presented: string | null): Promise<ApiCaller | null> {
    const now = this.clock.now();
    if (this.expected === null || now - this.expected.loadedAt >= this.cacheMs) {
      const digests = this.load().then(toDigests);
      this.expected = { digests, loadedAt: now };
      digests.catch(() => {
        this.expected = null;
      });
    }
    const expected = await this.expected.digests;
    if (presented === null || presented === '') return null;
    const digest = tokenDigest(presented);
    let caller: ApiCaller | null = null;
    // Every candidate is compared, so the time taken does not say which one matched.
    if (timingSafeEqual(digest, expected.owner)) caller = OWNER_CALLER;
    for (const read of expected.read) if (timingSafeEqual(digest, read.digest) && caller === null) caller = { name: read.name, role: 'read' };
    return caller;
  }
}

function toDigests(loaded: string | ApiTokenSet): Digests {
  const set = typeof loaded === 'string' ? { owner: loaded, readTokens: [] } : loaded;
  return { owner: tokenDigest(set.owner), read: set.readTokens.map((r) => ({ name: r.name, digest: Buffer.from(r.sha256, 'hex') })) };
}

/** The token from an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
