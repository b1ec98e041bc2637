import type { OAuthClient, TokenRenewer, TokenStore } from './ports';
import type { TokenBundle } from './token-bundle';
import type { Clock } from '../domain/clock';

/** Exchanges the bundle's refresh token for a new pair; the result must be stored before it is used. */
export async function refreshBundle(bundle: TokenBundle, oauth: OAuthClient, clock: Clock): Promise<TokenBundle> {
  const grant = await oauth.refresh({
    clientId: bundle.clientId,
    refreshToken: bundle.refreshToken,
    ...(bundle.clientSecret ? { clientSecret: bundle.clientSecret } : {}),
  });
  const now = clock.now();
  return {
    ...bundle,
    accessToken: grant.accessToken,
    refreshToken: grant.refreshToken,
    accessTokenExpiresAt: now + grant.expiresInSeconds * 1000,
    ...(grant.scopes ? { scopes: grant.scopes } : {}),
    updatedAt: now,
  };
}

export class NoTokenError extends Error {
  constructor() {
    super('no Tesla token is stored: set TESLA_REFRESH_TOKEN locally, or store a token bundle in the TeslaTokens secret (README, "Tesla login")');
    this.name = 'NoTokenError';
  }
}

/**
 * Renews in this process: read, refresh, write, with one refresh in flight at a time. Used where this process is
 * the only writer of the store (the local host). In AWS the rotation function plays this part.
 */
export class InProcessTokenRenewer implements TokenRenewer {
  private inFlight: Promise<TokenBundle> | null = null;

  constructor(
    private readonly store: TokenStore,
    private readonly oauth: OAuthClient,
    private readonly clock: Clock,
  ) {}

  renew(): Promise<TokenBundle> {
    this.inFlight ??= this.refreshAndStore().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async refreshAndStore(): Promise<TokenBundle> {
    const current = await this.store.read();
    if (current === null) throw new NoTokenError();
    const next = await refreshBundle(current, this.oauth, this.clock);
    await this.store.write(next);
    return next;
  }
}
