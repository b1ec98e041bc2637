import { createPublicKey } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The two pages of Tesla's that an owner sees in a browser, as the simulator serves them: the OAuth consent page
 * (`/oauth2/v3/authorize`) and the virtual-key page that pairs an app's key with cars (`tesla.com/_ak/<domain>`,
 * here `/_ak/<domain>`). Plain HTML forms, so a person, curl or a test can answer them.
 */

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)} – simulated Tesla</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}label{display:block;margin:.4rem 0}button{font:inherit;padding:.5rem 1rem;margin:.5rem .5rem 0 0}</style>
</head><body><p><small>Simulated Tesla (local, no real account)</small></p><h1>${escape(title)}</h1>${body}</body></html>`;
}

export const SCOPE_TEXT: Record<string, string> = {
  openid: 'Sign you in',
  offline_access: 'Stay signed in (refresh token)',
  user_data: 'Your profile',
  vehicle_device_data: 'Vehicle information (state, charge, odometer)',
  vehicle_location: 'Vehicle location',
  vehicle_cmds: 'Vehicle commands',
  vehicle_charging_cmds: 'Vehicle charging commands',
};

/** The consent page: the requested scopes, each one the owner may untick, as on Tesla's. */
export function consentPage(query: URLSearchParams, clientId: string): string {
  const requested = (query.get('scope') ?? '').split(/\s+/).filter((s) => s in SCOPE_TEXT);
  const hidden = ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method']
    .filter((name) => query.has(name))
    .map((name) => `<input type="hidden" name="${name}" value="${escape(query.get(name)!)}">`)
    .join('');
  const boxes = requested
    .map(
      (scope) =>
        `<label><input type="checkbox" name="scope" value="${escape(scope)}" checked${scope === 'openid' ? ' disabled' : ''}> ${escape(SCOPE_TEXT[scope]!)} <code>${escape(scope)}</code></label>`,
    )
    .join('');
  return page(
    'Allow access to your account',
    `<p>The app <code>${escape(clientId)}</code> asks for:</p><form method="post" action="/oauth2/v3/authorize">${hidden}
<input type="hidden" name="scope" value="openid">${boxes}
<button name="decision" value="allow">Allow</button><button name="decision" value="deny">Deny</button></form>`,
  );
}

/** The virtual-key page: which cars get the app's key. */
export function pairingPage(domain: string, cars: Array<{ vin: string; displayName: string }>): string {
  const boxes = cars
    .map(
      (car) =>
        `<label><input type="checkbox" name="vin" value="${escape(car.vin)}" checked> ${escape(car.displayName)} <code>${escape(car.vin)}</code></label>`,
    )
    .join('');
  return page(
    `Add a virtual key for ${domain}`,
    `<p>The app at <code>${escape(domain)}</code> will be able to send signed commands to the cars you tick. Its public key is
fetched from <code>${escape(keyUrl(domain))}</code>.</p><form method="post">${boxes}<button>Add key</button></form>`,
  );
}

export function pairedPage(domain: string, names: string[]): string {
  return page('Key added', `<p id="paired">The key of <code>${escape(domain)}</code> was added to ${names.map(escape).join(', ')}.</p>`);
}

export function errorPage(message: string): string {
  return page('Could not add the key', `<p id="error">${escape(message)}</p>`);
}

/** Where an app's domain publishes its public key; a loopback domain (the local host) is fetched over http. */
export function keyUrl(domain: string): string {
  const host = domain.replace(/:\d+$/, '');
  const scheme = ['localhost', '127.0.0.1', '[::1]'].includes(host) ? 'http' : 'https';
  return `${scheme}://${domain}/.well-known/appspecific/com.tesla.3p.public-key.pem`;
}

/** A `host` or `host:port` the pairing page accepts. */
export function isDomain(text: string): boolean {
  return /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?::\d{1,5})?$/i.test(text) || /^\[::1\](?::\d{1,5})?$/.test(text);
}

/** A P-256 public key PEM as the car stores it (uncompressed point), or an error naming what is wrong. */
export function publicKeyFromPem(pem: string): Buffer {
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error('the key is not a P-256 public key');
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
}

/** A request's whole body, as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
