import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../../shared/config/config-error';
import { SettingsReader } from '../../shared/config/settings-reader';
import { FileTokenStore } from '../../shared/secrets/file-token-store';
import { SecretsManagerTokenStore } from '../../shared/secrets/secrets-manager-token-store';
import { FLEET_API_HOSTS, TESLA_AUTH_URL, type FleetRegion } from '../../shared/domain/fleet-regions';
import { UndiciOAuthClient } from '../../shared/tesla/undici-oauth-client';
import { LOCATION_SCOPE, LOGIN_SCOPES, TESLA_AUTHORIZE_URL } from '../../shared/tokens/authorization-code';
import { SIM_CLIENT_ID } from '../simulator/fleet-simulator';
import { SIM_CLIENT_SECRET } from '../simulator/sim-oauth';
import { dataDirOf, dataFile, runningSimulator } from './data-files';
import { runLogin } from './login-flow';

const USAGE = `npm run login -- [options]

Signs the owner in to Tesla once (authorization-code flow) and stores the token bundle:
in Secrets Manager with --secret-id, otherwise in DATA_DIR/tesla-tokens.json for \`npm start\`.

  --client-id ID        your Tesla app's client id      (or TESLA_CLIENT_ID)
  --client-secret S     your Tesla app's client secret  (or TESLA_CLIENT_SECRET)
  --simulator           sign in to the simulated Tesla of the running \`npm start\` instead (its client id and
                        secret are built in); the host uses the new login at its next request
  --region na|eu|cn     the account's region (default na), or --fleet-api-url URL
  --redirect-uri URI    as registered with Tesla (default http://localhost:8765/callback)
  --location            also ask for the vehicle_location scope (needed with INCLUDE_LOCATION=true)
  --secret-id ARN       store in this Secrets Manager secret (the stack's TeslaTokenSecretArn output)
  --data-dir DIR        local store directory (default DATA_DIR or ./.data)
  --authorize-url URL   login page (default ${TESLA_AUTHORIZE_URL})
  --auth-url URL        token host (default ${TESLA_AUTH_URL})`;

function readArgs() {
  return parseArgs({
    options: {
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      region: { type: 'string' },
      'fleet-api-url': { type: 'string' },
      'redirect-uri': { type: 'string' },
      location: { type: 'boolean' },
      simulator: { type: 'boolean' },
      'secret-id': { type: 'string' },
      'data-dir': { type: 'string' },
      'authorize-url': { type: 'string' },
      'auth-url': { type: 'string' },
      help: { type: 'boolean' },
    },
  }).values;
}

async function main(): Promise<void> {
  const values = readArgs();
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const env = new SettingsReader({
    ...process.env,
    ...(values['client-id'] ? { TESLA_CLIENT_ID: values['client-id'] } : {}),
    ...(values['client-secret'] ? { TESLA_CLIENT_SECRET: values['client-secret'] } : {}),
  });
  const dataDir = dataDirOf(values['data-dir']);
  const scopes = values.location ? [...LOGIN_SCOPES, LOCATION_SCOPE] : LOGIN_SCOPES;
  if (values.simulator) return loginToSimulator(dataDir, values['redirect-uri'], scopes);
  const region = (values.region ?? 'na') as FleetRegion;
  if (!(region in FLEET_API_HOSTS)) throw new ConfigError('--region', 'must be na, eu or cn');
  const fleetApiUrl = new SettingsReader({ U: values['fleet-api-url'] }).url('U', FLEET_API_HOSTS[region])!;
  const store = values['secret-id']
    ? new SecretsManagerTokenStore(new SecretsManagerClient({}), values['secret-id'])
    : new FileTokenStore(dataFile(dataDir, 'teslaTokens'));

  await withPastedLine(async (pasted) => {
    await runLogin({
      clientId: env.required('TESLA_CLIENT_ID'),
      clientSecret: env.required('TESLA_CLIENT_SECRET'),
      redirectUri: values['redirect-uri'] ?? 'http://localhost:8765/callback',
      authorizeUrl: values['authorize-url'] ?? TESLA_AUTHORIZE_URL,
      fleetApiUrl,
      regionOverride: values.region !== undefined || values['fleet-api-url'] !== undefined,
      scopes,
      oauth: new UndiciOAuthClient({ authUrl: values['auth-url'] ?? TESLA_AUTH_URL }),
      store,
      now: () => Date.now(),
      say: (line) => console.log(line),
      pasted,
    });
    console.log(values['secret-id'] ? `Stored in ${values['secret-id']}.` : 'Stored for `npm start` (set TESLA_FLEET_API_URL to use it).');
  });
}

/** The same flow against the simulated Tesla of a running `npm start`: consent page, code, token exchange. */
async function loginToSimulator(dataDir: string, redirectUri: string | undefined, scopes: readonly string[]): Promise<void> {
  const sim = await runningSimulator(dataDir);
  if (sim === null) throw new ConfigError('--simulator', `needs \`npm start\` running with DATA_DIR=${dataDir} (start it in another terminal first)`);
  await withPastedLine(async (pasted) => {
    await runLogin({
      clientId: SIM_CLIENT_ID,
      clientSecret: SIM_CLIENT_SECRET,
      redirectUri: redirectUri ?? 'http://localhost:8765/callback',
      authorizeUrl: `${sim.fleetApiUrl}/oauth2/v3/authorize`,
      fleetApiUrl: sim.fleetApiUrl,
      regionOverride: true,
      scopes,
      oauth: new UndiciOAuthClient({ authUrl: sim.fleetApiUrl }),
      store: new FileTokenStore(dataFile(dataDir, 'simTeslaTokens')),
      now: () => Date.now(),
      say: (line) => console.log(line),
      pasted,
    });
  });
  console.log('Stored for the running `npm start`; it signs in afresh at its next start.');
}

/** Runs `step` with what the owner may paste on standard input (the redirect URL or code). */
async function withPastedLine(step: (pasted: Promise<string>) => Promise<void>): Promise<void> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    await step(new Promise<string>((resolve) => rl.once('line', resolve)));
  } finally {
    rl.close();
  }
}

main().catch((error: unknown) => {
  console.error(`login failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
