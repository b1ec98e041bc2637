import { resolve } from 'node:path';
import { TESLA_AUTH_URL } from '../domain/fleet-regions';
import { SettingsReader, type Env } from './settings-reader';
import { readTunables, type Tunables } from './tunables';

/** Settings of `npm start`. Without TESLA_FLEET_API_URL the built-in simulator is the car. */
export interface LocalSettings extends Tunables {
  port: number;
  dataDir: string;
  apiToken: string | undefined;
  collectIntervalSeconds: number;
  /** Undefined: start the simulator and use it. */
  fleetApiUrl: string | undefined;
  authUrl: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  refreshToken: string | undefined;
  /** Lets webhook and ntfy targets be on this machine or its private network (a LAN Home Assistant, say). */
  notifyAllowPrivateNetworks: boolean;
}

const TOKEN_CHARS = /^[\x21-\x7e]{8,4096}$/;
/** What the local API token may hold, set as API_TOKEN or kept in DATA_DIR/api-token: what a client can send. */
export const API_TOKEN_FORMAT = /^[A-Za-z0-9._~+/=-]{16,256}$/;
export const API_TOKEN_FORMAT_TEXT = '16 to 256 characters, each a letter, a digit or one of . _ ~ + / = -';

export function parseLocalSettings(env: Env, cwd: string): LocalSettings {
  const read = new SettingsReader(env);
  const fleetApiUrl = read.url('TESLA_FLEET_API_URL');
  return {
    port: read.int('PORT', { min: 0, max: 65535, default: 3000 }),
    dataDir: resolve(cwd, read.optional('DATA_DIR') ?? '.data'),
    apiToken: read.secret('API_TOKEN', API_TOKEN_FORMAT, API_TOKEN_FORMAT_TEXT),
    collectIntervalSeconds: read.int('COLLECT_INTERVAL_SECONDS', { min: 5, max: 86_400, default: 60 }),
    fleetApiUrl,
    // With the simulator, token calls go to it unless TESLA_AUTH_URL says otherwise.
    authUrl: read.url('TESLA_AUTH_URL', fleetApiUrl === undefined ? undefined : TESLA_AUTH_URL) ?? '',
    clientId: read.optional('TESLA_CLIENT_ID'),
    clientSecret: read.secret('TESLA_CLIENT_SECRET', TOKEN_CHARS, 'printable characters without spaces'),
    refreshToken: read.secret('TESLA_REFRESH_TOKEN', TOKEN_CHARS, 'printable characters without spaces'),
    notifyAllowPrivateNetworks: read.bool('NOTIFY_ALLOW_PRIVATE_NETWORKS', false),
    ...readTunables(read),
  };
}
