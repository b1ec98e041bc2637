import { randomBytes } from 'node:crypto';

/** What the system needs: offline_access for a refresh token, data and commands, and location if the owner wants it. */
export const LOGIN_SCOPES = ['openid', 'offline_access', 'user_data', 'vehicle_device_data', 'vehicle_cmds', 'vehicle_charging_cmds'];
export const LOCATION_SCOPE = 'vehicle_location';
export const TESLA_AUTHORIZE_URL = 'https://auth.tesla.com/oauth2/v3/authorize';

export class LoginFlowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoginFlowError';
  }
}

export function newState(): string {
  return randomBytes(16).toString('base64url');
}

export function authorizeUrl(input: { authorizeUrl: string; clientId: string; redirectUri: string; scopes: readonly string[]; state: string }): string {
  const url = new URL(input.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('scope', input.scopes.join(' '));
  url.searchParams.set('state', input.state);
  url.searchParams.set('prompt_missing_scopes', 'true');
  return url.toString();
}

/**
 * The code from what the owner pasted (the whole redirect URL, or the bare code) or from the redirect the
 * loopback server received. A URL must carry the state we sent: anything else may be a forged redirect.
 */
export function codeFromRedirect(input: string, expectedState: string): string {
  const text = input.trim();
  if (!/^https?:\/\//i.test(text)) {
    if (!/^[\w.~-]{4,2048}$/.test(text)) throw new LoginFlowError('that is neither the redirect URL nor a code');
    return text;
  }
  const params = new URL(text).searchParams;
  const error = params.get('error');
  if (error) throw new LoginFlowError(`Tesla refused the login: ${error}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}`);
  if (params.get('state') !== expectedState) throw new LoginFlowError('the redirect does not carry the state this login sent; start again');
  const code = params.get('code');
  if (!code) throw new LoginFlowError('the redirect carries no code');
  return code;
}
