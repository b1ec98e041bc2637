import type { DescribedFailure, Failure } from '../domain/failure';
import type { CommandNotRunMark } from '../domain/fleet-errors';
import { fleetApiBaseUrlOf, readAccessTokenClaims } from './token-claims';
import type { OAuthClient, TokenGrant, TokenRenewer, TokenStore } from './ports';
import type { TokenBundle } from './token-bundle';
import type { Clock } from '../domain/clock';

/** Exchanges the bundle's refresh token for a new pair; the result must be stored before it is used. */
export async function refreshBundle(bundle: TokenBundle, oauth: OAuthClient, clock: Clock): Promise<TokenBundle> {
  const grant = await oauth.refresh({
    clientId: bundle.clientId,
    refreshToken: bundle.refreshToken,
    ...(bundle.clientSecret ? { clientSecret: bundle.clientSecret } : {}),
  });
  return bundleFromGrant(bundle, grant, clock.now());
}

/**
 * Folds a token grant into a bundle. The access token's claims fill in what the grant does not say: the granted
 * scopes, and the account's region when none was known yet (a region learned from a 421 is kept).
 */
export function bundleFromGrant(base: Omit<TokenBundle, 'refreshToken'>, grant: TokenGrant, now: number): TokenBundle {
  const claims = readAccessTokenClaims(grant.accessToken);
  const region = base.fleetApiBaseUrl ?? (claims ? fleetApiBaseUrlOf(claims) : null);
  const scopes = grant.scopes ?? (claims && claims.scopes.length > 0 ? claims.scopes : base.scopes);
  return {
    ...base,
    accessToken: grant.accessToken,
    refreshToken: grant.refreshToken,
    accessTokenExpiresAt: now + grant.expiresInSeconds * 1000,
    ...(scopes ? { scopes } : {}),
    ...(region ? { fleetApiBaseUrl: region } : {}),
    updatedAt: now,
  };
}

export class NoTokenError extends Error implements CommandNotRunMark, DescribedFailure {
  /** Raised before a command reached the car, or as the car's refusal of it. */
  readonly commandDidNotRun = true as const;

  constructor() {
    super('no Tesla token is stored: run `npm run login` (or set TESLA_REFRESH_TOKEN locally)');
    this.name = 'NoTokenError';
  }

  failure(): Failure {
    return { code: 'tesla_not_configured', message: this.message };
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
