import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks the caller's bearer token against the expected API token in constant time (both are hashed first, so
 * neither their contents nor their lengths leak through timing). The expected token is loaded once and cached.
 */
export class ApiTokenVerifier {
  private expected: Promise<Buffer> | null = null;

  constructor(private readonly loadExpected: () => Promise<string>) {}

  async verify(presented: string | null): Promise<boolean> {
    this.expected ??= this.loadExpected().then(digest, (error: unknown) => {
      this.expected = null;
      throw error;
    });
    const expected = await this.expected;
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
