import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthClient, TokenStore } from '../../shared/tokens/ports';
import { authorizeUrl, codeFromRedirect, LoginFlowError, newState } from '../../shared/tokens/authorization-code';
import { bundleFromGrant } from '../../shared/tokens/token-refresh';
import type { TokenBundle } from '../../shared/tokens/token-bundle';

/** What the logger cannot do without each scope it asks for. */
const SCOPE_NEEDS: Record<string, string> = {
  vehicle_device_data: 'the collector cannot read the cars, so nothing is recorded',
  vehicle_cmds: 'commands cannot be sent',
  vehicle_charging_cmds: 'charging commands cannot be sent, and Supercharger sessions likely get no bill from Tesla',
  vehicle_location: 'locations are not recorded',
  user_data: 'the account’s region cannot be read from it',
  openid: 'the login cannot be identified',
};

export interface LoginOptions {
  clientId: string;
  clientSecret: string;
  /** Must match the app's registration exactly. A loopback URI is served here; port 0 picks a free port (tests). */
  redirectUri: string;
  authorizeUrl: string;
  /** The account's Fleet API host: the token's audience. */
  /** The audience of the code exchange, and the region when the token's claims do not name one. */
  fleetApiUrl: string;
  /** The owner named the region (--region or --fleet-api-url): it wins over the token's claims. */
  regionOverride?: boolean;
  scopes: readonly string[];
  oauth: OAuthClient;
  store: TokenStore;
  now: () => number;
  /** Where the owner is told what to do. Never given a token. */
  say: (line: string) => void;
  /** Resolves with what the owner pastes (redirect URL or code); optional. */
  pasted?: Promise<string>;
  timeoutMs?: number;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The one-time owner login: print the authorize URL, take the code from the loopback redirect or from what the
 * owner pastes, exchange it, and store the bundle. Returns what was stored.
 */
export async function runLogin(options: LoginOptions): Promise<TokenBundle> {
  const state = newState();
  const redirect = new URL(options.redirectUri);
  const loopback = LOOPBACK.has(redirect.hostname) && redirect.protocol === 'http:';
  let server: Server | null = null;
  let fromRedirect: Promise<string> | null = null;
  if (loopback) {
    ({ server, received: fromRedirect } = await listenForRedirect(redirect));
    redirect.port = String((server.address() as AddressInfo).port);
  }
  const redirectUri = redirect.toString();
  try {
    options.say('Open this URL, sign in to Tesla and approve the app:');
    options.say(authorizeUrl({ authorizeUrl: options.authorizeUrl, clientId: options.clientId, redirectUri, scopes: options.scopes, state }));
    options.say(
      loopback
        ? `Waiting for Tesla to redirect to ${redirectUri} (or paste the redirect URL here)…`
        : 'Then paste the URL you were redirected to (or just its code):',
    );

    const code = codeFromRedirect(await firstAnswer(options, fromRedirect), state);
    const grant = await options.oauth.exchangeCode({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      code,
      redirectUri,
      audience: options.fleetApiUrl,
    });
    const bundle = await storeGrant(options, grant);
    return bundle;
  } finally {
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The redirect URL (or code) from whichever comes first: the loopback redirect, or what the owner pastes. */
async function firstAnswer(options: LoginOptions, fromRedirect: Promise<string> | null): Promise<string> {
  const sources = [fromRedirect, options.pasted].filter((p): p is Promise<string> => p !== null && p !== undefined);
  if (sources.length === 0) throw new LoginFlowError('no way to receive the code: use a loopback redirect URI or paste the code');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LoginFlowError('no redirect arrived in time')), options.timeoutMs ?? 10 * 60_000);
  });
  return Promise.race([...sources, timeout]).finally(() => clearTimeout(timer));
}

/** Stores the new login and says what it grants, and what each scope it lacks will cost. */
async function storeGrant(options: LoginOptions, grant: Parameters<typeof bundleFromGrant>[1]): Promise<TokenBundle> {
  // The account's region comes from the access token's claims (ou_code), unless the owner named one.
  const base = {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    ...(options.regionOverride ? { fleetApiBaseUrl: options.fleetApiUrl } : {}),
  };
  const bundle = { ...bundleFromGrant(base, grant, options.now()) };
  bundle.fleetApiBaseUrl ??= options.fleetApiUrl;
  await options.store.write(bundle);
  const scopes = bundle.scopes?.join(' ') ?? 'unknown';
  options.say(`Signed in. Granted scopes: ${scopes}. The token is stored; it expires and rotates on its own.`);
  if (!bundle.scopes?.includes('offline_access')) options.say('Warning: offline_access was not granted, so the login cannot be renewed.');
  // What each missing scope costs, said now rather than found later as a car stuck in "missing scope".
  if (bundle.scopes) {
    const missing = options.scopes.filter((s) => s !== 'offline_access' && !bundle.scopes!.includes(s));
    for (const scope of missing)
      options.say(
        `Warning: ${scope} was not granted: ${SCOPE_NEEDS[scope] ?? 'some requests will be refused'}. Sign in again and leave it ticked (add it to your app at developer.tesla.com if Tesla did not offer it).`,
      );
  }
  return bundle;
}

async function listenForRedirect(redirect: URL): Promise<{ server: Server; received: Promise<string> }> {
  let deliver!: (url: string) => void;
  const received = new Promise<string>((resolve) => (deliver = resolve));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    if (url.pathname !== redirect.pathname) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Tesla login received. You can close this tab and return to the terminal.\n');
    deliver(url.toString());
  });
  const host = redirect.hostname === 'localhost' ? '127.0.0.1' : redirect.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(redirect.port || 80), host, () => resolve());
  });
  return { server, received };
}
