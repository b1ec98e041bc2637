import type { Clock } from '../domain/clock';
import type { AccessTokenProvider, TokenRenewer, TokenStore } from './ports';
import { needsRenewal, type TokenBundle } from './token-bundle';
import { NoTokenError } from './token-refresh';

/**
 * Reads the access token from the store (cached for `cacheMs`) and asks the renewer for a new one when it is
 * about to expire or Tesla rejected it. Concurrent callers share one renewal.
 */
export class StoredAccessTokens implements AccessTokenProvider {
  private cached: { bundle: TokenBundle; readAt: number } | null = null;
  private renewing: Promise<TokenBundle> | null = null;

  constructor(
    private readonly store: TokenStore,
    private readonly renewer: TokenRenewer,
    private readonly clock: Clock,
    private readonly cacheMs = 60_000,
  ) {}

  async get(): Promise<string> {
    const bundle = await this.current();
    if (!needsRenewal(bundle, this.clock.now())) return bundle.accessToken!;
    return (await this.renew()).accessToken!;
  }

  /** The bundle as last read (through the same cache), or read afresh: its region, scopes and the like. */
  bundle(fresh = false): Promise<TokenBundle> {
    if (fresh) this.cached = null;
    return this.current();
  }

  async renewAfterRejection(rejected: string): Promise<string> {
    this.cached = null;
    const bundle = await this.current();
    if (bundle.accessToken !== undefined && bundle.accessToken !== rejected && !needsRenewal(bundle, this.clock.now())) {
      return bundle.accessToken; // someone else renewed already
    }
    return (await this.renew()).accessToken!;
  }

  private async current(): Promise<TokenBundle> {
    const now = this.clock.now();
    if (this.cached && now - this.cached.readAt < this.cacheMs) return this.cached.bundle;
    const bundle = await this.store.read();
    if (bundle === null) throw new NoTokenError();
    this.cached = { bundle, readAt: now };
    return bundle;
  }

  private renew(): Promise<TokenBundle> {
    this.renewing ??= this.renewer
      .renew()
      .then((bundle) => {
        this.cached = { bundle, readAt: this.clock.now() };
        return bundle;
      })
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
  }
}
