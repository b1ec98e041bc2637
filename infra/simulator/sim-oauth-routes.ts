import { CHARGING_SCOPE_COMMANDS } from '../../shared/domain/commands/catalogue';
import type { BillingCategory } from '../../shared/domain/fleet-api';
import type { SimOAuth } from './sim-oauth';
import { consentPage } from './sim-pages';

/** What the simulator answers a request with. */
export interface Reply {
  status: number;
  body: unknown;
  /** `body` is an HTML page. */
  html?: boolean;
  headers?: Record<string, string>;
  category?: BillingCategory;
  vin?: string | null;
}

/** Tesla's answer for a car that is asleep or offline (408). */
export const ASLEEP_BODY = { response: null, error: 'vehicle unavailable: {:error=>"vehicle unavailable:"}', error_description: '' };
/** Tesla's answer to a REST command for a car that takes only signed ones (403). */
export const SIGNING_REQUIRED_BODY = {
  response: null,
  error:
    'Tesla Vehicle Command Protocol required, please refer to the documentation here: https://developer.tesla.com/docs/fleet-api#2023-10-09-rest-api-vehicle-commands-endpoint-deprecation-warning',
  error_description: '',
};

export function envelopeError(error: string): { response: null; error: string; error_description: string } {
  return { response: null, error, error_description: '' };
}

/** Tesla's login and consent page (the owner is taken as signed in): the requested scopes, to allow or deny. */
export function consentReply(oauth: SimOAuth, q: URLSearchParams): Reply {
  if (q.get('response_type') !== 'code') return { status: 400, body: { error: 'unsupported_response_type' } };
  const problem = oauth.checkAuthorizeRequest(q.get('client_id') ?? '', q.get('redirect_uri') ?? '');
  if (problem !== null) return { status: 400, body: { error: problem } };
  return { status: 200, body: consentPage(q, oauth.clientId), html: true };
}

/** The owner's answer on the consent page: back to the app with a code for the ticked scopes, or access_denied. */
export function authorizeReply(oauth: SimOAuth, form: URLSearchParams): Reply {
  const redirectUri = form.get('redirect_uri') ?? '';
  const problem = oauth.checkAuthorizeRequest(form.get('client_id') ?? '', redirectUri);
  if (problem !== null || form.get('response_type') !== 'code') return { status: 400, body: { error: problem ?? 'unsupported_response_type' } };
  const target = new URL(redirectUri);
  if (form.get('decision') === 'allow') {
    const outcome = oauth.authorize(form.get('client_id')!, redirectUri, form.getAll('scope'));
    if ('error' in outcome) return { status: 400, body: { error: outcome.error } };
    target.searchParams.set('code', outcome.code);
  } else {
    target.searchParams.set('error', 'access_denied');
  }
  target.searchParams.set('state', form.get('state') ?? '');
  return { status: 302, body: '', headers: { location: target.toString() } };
}

/** The scope a Fleet API request needs and the token lacks, as Tesla answers 403 for it; null when it has them. */
export function missingScope(path: string, url: URL, granted: ReadonlySet<string>): string | null {
  if (/\/vehicle_data$/.test(path)) {
    if (!granted.has('vehicle_device_data')) return 'vehicle_device_data';
    if ((url.searchParams.get('endpoints') ?? '').includes('location_data') && !granted.has('vehicle_location')) return 'vehicle_location';
    return null;
  }
  // Tesla does not publish the charging history's scope; the simulator holds it to the likely one.
  if (path.startsWith('/api/1/dx/charging/')) return granted.has('vehicle_charging_cmds') ? null : 'vehicle_charging_cmds';
  const command = /\/command\/([^/]+)$/.exec(path)?.[1];
  if (command !== undefined && CHARGING_SCOPE_COMMANDS.has(command))
    return granted.has('vehicle_cmds') || granted.has('vehicle_charging_cmds') ? null : 'vehicle_charging_cmds';
  if (command !== undefined) return granted.has('vehicle_cmds') ? null : 'vehicle_cmds';
  // A signed command's name is inside its envelope: either command scope lets it through to the car.
  if (path.endsWith('/signed_command')) return granted.has('vehicle_cmds') || granted.has('vehicle_charging_cmds') ? null : 'vehicle_cmds';
  return null;
}

export function tokenReply(oauth: SimOAuth, raw: string): Reply {
  const form = new URLSearchParams(raw);
  const field = (name: string): string => form.get(name) ?? '';
  let outcome;
  if (field('grant_type') === 'refresh_token') {
    outcome = oauth.refresh(field('client_id'), field('refresh_token'));
  } else if (field('grant_type') === 'authorization_code') {
    outcome = oauth.exchangeCode({
      clientId: field('client_id'),
      clientSecret: field('client_secret'),
      code: field('code'),
      redirectUri: field('redirect_uri'),
    });
  } else {
    return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'use refresh_token or authorization_code' } };
  }
  if (!outcome.ok) return { status: outcome.status, body: { error: outcome.error, error_description: outcome.description } };
  return { status: 200, body: outcome.tokens };
}
