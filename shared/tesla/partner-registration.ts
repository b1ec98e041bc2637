import type { Dispatcher } from 'undici';
import { FleetApiUnreachableError } from '../domain/fleet-errors';
import { PUBLIC_KEY_WELL_KNOWN_PATH } from './app-domain';
import { errorText, parseJson } from './fleet-response';
import { teslaRequest, type TeslaAnswer } from './tesla-request';

/** The scopes asked for with the partner token (Tesla's docs: the app's scopes, without offline_access). */
const PARTNER_SCOPES = 'openid vehicle_device_data vehicle_cmds vehicle_charging_cmds';

export interface PartnerRegistration {
  authUrl: string;
  /** The region's Fleet API host; also the partner token's audience. */
  fleetApiUrl: string;
  clientId: string;
  clientSecret: string;
  /** The app's domain, e.g. tesla.example.com (the stack's customDomainName). */
  domain: string;
  dispatcher?: Dispatcher;
}

/** A step of the registration failed; the message says which, with Tesla's words, never a credential. */
export class PartnerRegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PartnerRegistrationError';
  }
}

/**
 * Registers the app's domain with Tesla for one region, once: checks that the domain serves a public key, gets a
 * partner token (client_credentials), posts the domain to /api/1/partner_accounts, and reads back the key Tesla
 * now holds for it. Returns that key (hex, as Tesla gives it).
 */
export async function registerPartnerDomain(input: PartnerRegistration): Promise<{ publicKey: string | null }> {
  const fleet = input.fleetApiUrl.replace(/\/+$/, '');
  const keyUrl = `https://${input.domain}${PUBLIC_KEY_WELL_KNOWN_PATH}`;
  const served = await call(input, 'GET', keyUrl);
  if (served.status !== 200 || !served.raw.includes('BEGIN PUBLIC KEY')) {
    throw new PartnerRegistrationError(`${keyUrl} answered ${served.status} without a public key: deploy with the custom domain and run npm run keys first`);
  }

  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: input.clientId,
    client_secret: input.clientSecret,
    scope: PARTNER_SCOPES,
    audience: fleet,
  });
  const token = await call(
    input,
    'POST',
    `${input.authUrl.replace(/\/+$/, '')}/oauth2/v3/token`,
    { 'content-type': 'application/x-www-form-urlencoded' },
    form.toString(),
  );
  const accessToken = (parseJson(token.raw) as { access_token?: unknown } | null)?.access_token;
  if (token.status !== 200 || typeof accessToken !== 'string') {
    throw new PartnerRegistrationError(
      `Tesla refused a partner token (${token.status}): ${errorText(parseJson(token.raw), token.raw)}; check the client id, secret and region`,
    );
  }

  const auth = { authorization: `Bearer ${accessToken}` };
  const registered = await call(
    input,
    'POST',
    `${fleet}/api/1/partner_accounts`,
    { ...auth, 'content-type': 'application/json' },
    JSON.stringify({ domain: input.domain }),
  );
  if (registered.status !== 200) {
    throw new PartnerRegistrationError(
      `Tesla refused to register ${input.domain} (${registered.status}): ${errorText(parseJson(registered.raw), registered.raw)}`,
    );
  }
  const check = await call(input, 'GET', `${fleet}/api/1/partner_accounts/public_key?domain=${encodeURIComponent(input.domain)}`, auth);
  const publicKey = (parseJson(check.raw) as { response?: { public_key?: unknown } } | null)?.response?.public_key;
  return { publicKey: check.status === 200 && typeof publicKey === 'string' ? publicKey : null };
}

async function call(
  input: PartnerRegistration,
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<TeslaAnswer> {
  try {
    return await teslaRequest(url, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      timeoutMs: 15_000,
      ...(input.dispatcher ? { dispatcher: input.dispatcher } : {}),
    });
  } catch (error) {
    if (!(error instanceof FleetApiUnreachableError)) throw error;
    throw new PartnerRegistrationError(`${new URL(url).host} could not be reached: ${error.message}`);
  }
}
