import { randomBytes } from 'node:crypto';
import { HOUR_MS } from '../../shared/domain/clock';
import type { Clock } from '../../shared/domain/clock';
import { FLEET_API_HOSTS, type FleetRegion } from '../../shared/domain/fleet-regions';

export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
  expires_in: number;
  token_type: 'Bearer';
  scope: string;
}

export type RefreshOutcome = { ok: true; tokens: IssuedTokens } | { ok: false; status: number; error: string; description: string };

/** The simulated developer app's secret (not a secret: the simulator is local). */
export const SIM_CLIENT_SECRET = 'sim-client-secret';

/** Tesla keeps honouring the most recently used refresh token for this long. */
export const REUSE_GRACE_MS = 24 * HOUR_MS;
export const SCOPES = 'openid offline_access user_data vehicle_device_data vehicle_location vehicle_cmds vehicle_charging_cmds';

/**
 * The OAuth side of the simulator: one login chain per account, with Tesla's rules. Refresh tokens are single
 * use; a refresh invalidates the previous refresh token and all access tokens issued before; the most recently
 * used refresh token still works for 24 hours (so a lost answer can be recovered); anything else is
 * `login_required`.
 */
export class SimOAuth {
  private current: string | null = null;
  private previous: { token: string; usedAt: number } | null = null;
  private readonly accessTokens = new Map<string, { expiresAt: number; scopes: readonly string[] }>();
  /** The scopes the owner granted to the current chain (a refresh keeps them). */
  private scopes: readonly string[] = SCOPES.split(' ');
  /** Successful refreshes, for tests that count them. */
  refreshCount = 0;

  private readonly codes = new Map<string, { redirectUri: string; expiresAt: number; scopes: readonly string[] }>();

  constructor(
    private readonly clock: Clock,
    readonly clientId: string,
    private readonly accessTokenTtlSeconds = 8 * 3600,
    private readonly region: FleetRegion = 'na',
    readonly clientSecret = SIM_CLIENT_SECRET,
  ) {}

  /** Whether an authorize request names this app and a usable redirect (checked before the consent page shows). */
  checkAuthorizeRequest(clientId: string, redirectUri: string): string | null {
    if (clientId !== this.clientId) return 'invalid_client';
    if (!/^https?:\/\//.test(redirectUri)) return 'invalid_redirect_uri';
    return null;
  }

  /** The owner approved the app with these scopes: a single-use code for the redirect (valid 10 minutes). */
  authorize(clientId: string, redirectUri: string, scopes: readonly string[] = SCOPES.split(' ')): { code: string } | { error: string } {
    const problem = this.checkAuthorizeRequest(clientId, redirectUri);
    if (problem !== null) return { error: problem };
    const known = new Set(SCOPES.split(' '));
    const code = `sim-code.${randomBytes(12).toString('base64url')}`;
    this.codes.set(code, { redirectUri, expiresAt: this.clock.now() + 10 * 60_000, scopes: [...new Set(scopes)].filter((s) => known.has(s)) });
    return { code };
  }

  exchangeCode(input: { clientId: string; clientSecret: string; code: string; redirectUri: string }): RefreshOutcome {
    if (input.clientId !== this.clientId || input.clientSecret !== this.clientSecret) {
      return { ok: false, status: 401, error: 'invalid_client', description: 'unknown client or wrong secret' };
    }
    const grant = this.codes.get(input.code);
    this.codes.delete(input.code);
    if (!grant || grant.expiresAt <= this.clock.now() || grant.redirectUri !== input.redirectUri) {
      return { ok: false, status: 400, error: 'invalid_grant', description: 'the code is invalid, used, expired or for another redirect_uri' };
    }
    return { ok: true, tokens: this.login(grant.scopes) };
  }

  /** What a completed login would give the owner. Starts a new chain, ending any other. */
  login(scopes: readonly string[] = SCOPES.split(' ')): IssuedTokens {
    this.previous = null;
    this.scopes = scopes;
    return this.issue();
  }

  refresh(clientId: string, refreshToken: string): RefreshOutcome {
    if (clientId !== this.clientId) return { ok: false, status: 401, error: 'invalid_client', description: 'unknown client_id' };
    const now = this.clock.now();
    if (refreshToken === this.current) {
      this.previous = { token: refreshToken, usedAt: now };
      return this.refreshed();
    }
    if (this.previous && refreshToken === this.previous.token && now - this.previous.usedAt < REUSE_GRACE_MS) {
      return this.refreshed();
    }
    return { ok: false, status: 401, error: 'login_required', description: 'The refresh token is invalid or expired' };
  }

  /** Null when valid; otherwise why not. */
  checkAccessToken(token: string | null): string | null {
    if (token === null) return 'missing bearer token';
    const entry = this.accessTokens.get(token);
    if (entry === undefined) return 'invalid bearer token';
    return this.clock.now() >= entry.expiresAt ? 'token expired (401)' : null;
  }

  /** The scopes a valid access token carries. */
  scopesOf(token: string): readonly string[] {
    return this.accessTokens.get(token)?.scopes ?? [];
  }

  private refreshed(): RefreshOutcome {
    this.refreshCount += 1;
    return { ok: true, tokens: this.issue() };
  }

  private issue(): IssuedTokens {
    this.accessTokens.clear();
    const now = this.clock.now();
    // Shaped like Tesla's: a JWT whose claims name the account's region and the granted scopes.
    const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const access = [
      part({ alg: 'none', typ: 'JWT' }),
      part({
        iss: 'fleet-simulator',
        aud: [FLEET_API_HOSTS[this.region]],
        ou_code: this.region.toUpperCase(),
        scp: this.scopes,
        iat: Math.floor(now / 1000),
        exp: Math.floor(now / 1000) + this.accessTokenTtlSeconds,
        jti: randomBytes(12).toString('base64url'),
      }),
      randomBytes(16).toString('base64url'),
    ].join('.');
    this.current = `sim-rt.${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(access, { expiresAt: this.clock.now() + this.accessTokenTtlSeconds * 1000, scopes: this.scopes });
    return {
      access_token: access,
      refresh_token: this.current,
      id_token: `sim-id.${randomBytes(12).toString('base64url')}`,
      expires_in: this.accessTokenTtlSeconds,
      token_type: 'Bearer',
      scope: this.scopes.join(' '),
    };
  }
}
