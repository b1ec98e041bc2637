import { describe, expect, it } from '@jest/globals';
import type { TokenRenewer, TokenStore } from '../../../shared/tokens/ports';
import { StoredAccessTokens } from '../../../shared/tokens/stored-access-tokens';
import type { TokenBundle } from '../../../shared/tokens/token-bundle';
import { NoTokenError } from '../../../shared/tokens/token-refresh';

class MemoryTokenStore implements TokenStore {
  constructor(public bundle: TokenBundle | null) {}
  read(): Promise<TokenBundle | null> {
    return Promise.resolve(this.bundle);
  }
  write(bundle: TokenBundle): Promise<void> {
    this.bundle = bundle;
    return Promise.resolve();
  }
}

const HOUR = 3_600_000;

function setup(expiresAt: number) {
  let now = 1_000_000;
  const clock = { now: () => now };
  const store = new MemoryTokenStore({ clientId: 'c', refreshToken: 'rt-1', accessToken: 'at-1', accessTokenExpiresAt: expiresAt });
  let renewals = 0;
  const renewer: TokenRenewer = {
    renew: async () => {
      renewals += 1;
      await new Promise((r) => setTimeout(r, 10));
      const next = { ...store.bundle!, accessToken: `at-${renewals + 1}`, refreshToken: `rt-${renewals + 1}`, accessTokenExpiresAt: now + 8 * HOUR };
      store.bundle = next;
      return next;
    },
  };
  return { store, tokens: new StoredAccessTokens(store, renewer, clock), renewals: () => renewals, advance: (ms: number) => (now += ms) };
}

describe('StoredAccessTokens', () => {
  it('serves the stored token while it is fresh', async () => {
    const { tokens, renewals } = setup(1_000_000 + 8 * HOUR);
    await expect(tokens.get()).resolves.toBe('at-1');
    expect(renewals()).toBe(0);
  });

  it('renews shortly before expiry', async () => {
    const { tokens, renewals } = setup(1_000_000 + 60_000);
    await expect(tokens.get()).resolves.toBe('at-2');
    expect(renewals()).toBe(1);
  });

  it('shares one renewal among 20 callers whose token was rejected', async () => {
    const { tokens, renewals } = setup(1_000_000 + 8 * HOUR);
    const results = await Promise.all(Array.from({ length: 20 }, () => tokens.renewAfterRejection('at-1')));
    expect(new Set(results)).toEqual(new Set(['at-2']));
    expect(renewals()).toBe(1);
  });

  it('does not renew again for a caller holding an already-replaced token', async () => {
    const { tokens, renewals } = setup(1_000_000 + 8 * HOUR);
    await tokens.renewAfterRejection('at-1');
    await expect(tokens.renewAfterRejection('at-1')).resolves.toBe('at-2');
    expect(renewals()).toBe(1);
  });

  it('says plainly that no token is stored', async () => {
    const tokens = new StoredAccessTokens(new MemoryTokenStore(null), { renew: () => Promise.reject(new Error('x')) }, { now: () => 0 });
    await expect(tokens.get()).rejects.toBeInstanceOf(NoTokenError);
  });
});
