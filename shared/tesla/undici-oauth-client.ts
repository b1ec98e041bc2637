import type { Dispatcher } from 'undici';
import { LoginRequiredError, UnexpectedFleetResponseError } from '../domain/fleet-errors';
import type { OAuthClient, TokenGrant } from '../tokens/ports';
import { errorText, parseJson } from './fleet-response';
import { teslaRequest } from './tesla-request';

export interface OAuthClientOptions {
  /** e.g. https://fleet-auth.prd.vn.cloud.tesla.com; the token endpoint is `${authUrl}/oauth2/v3/token`. */
  authUrl: string;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

/** Tesla's OAuth token endpoint over undici. Error messages never carry the tokens sent or received. */
export class UndiciOAuthClient implements OAuthClient {
  constructor(private readonly options: OAuthClientOptions) {}

  refresh(input: { clientId: string; clientSecret?: string; refreshToken: string }): Promise<TokenGrant> {
    const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: input.clientId, refresh_token: input.refreshToken });
    if (input.clientSecret) form.set('client_secret', input.clientSecret);
    return this.grant(form);
  }

  exchangeCode(input: { clientId: string; clientSecret: string; code: string; redirectUri: string; audience: string }): Promise<TokenGrant> {
    return this.grant(
      new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: input.clientId,
        client_secret: input.clientSecret,
        code: input.code,
        redirect_uri: input.redirectUri,
        audience: input.audience,
      }),
    );
  }

  private async grant(form: URLSearchParams): Promise<TokenGrant> {
    const { status, raw } = await teslaRequest(`${this.options.authUrl.replace(/\/+$/, '')}/oauth2/v3/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      timeoutMs: this.options.timeoutMs ?? 15_000,
      ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
    });
    const body = parseJson(raw);
    if (status === 200) return parseGrant(body);
    const message = errorText(body, '');
    if (/login_required|invalid_grant/.test(message)) throw new LoginRequiredError(message.slice(0, 200));
    throw new UnexpectedFleetResponseError(`token endpoint answered ${status}${message ? `: ${message.slice(0, 200)}` : ''}`, status);
  }
}

function parseGrant(body: unknown): TokenGrant {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn, scope } = b;
  if (typeof accessToken !== 'string' || typeof refreshToken !== 'string' || typeof expiresIn !== 'number') {
    throw new UnexpectedFleetResponseError('token endpoint answered 200 without access_token, refresh_token and expires_in', 200);
  }
  return {
    accessToken,
    refreshToken,
    expiresInSeconds: expiresIn,
    scopes: typeof scope === 'string' ? scope.split(/\s+/).filter(Boolean) : null,
  };
}
