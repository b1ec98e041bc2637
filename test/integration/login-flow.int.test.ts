import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { runLogin } from '../../infra/local/login-flow';
import { FleetSimulator, SIM_CLIENT_ID } from '../../infra/simulator/fleet-simulator';
import { SimClock } from '../../infra/simulator/sim-clock';
import { FileTokenStore } from '../../shared/secrets/file-token-store';
import { UndiciFleetApi } from '../../shared/tesla/undici-fleet-api';
import { UndiciOAuthClient } from '../../shared/tesla/undici-oauth-client';
import { LOCATION_SCOPE, LOGIN_SCOPES, LoginFlowError } from '../../shared/tokens/authorization-code';
import { MissingScopeError } from '../../shared/domain/fleet-errors';
import { StoredAccessTokens } from '../../shared/tokens/stored-access-tokens';
import { InProcessTokenRenewer } from '../../shared/tokens/token-refresh';
import { T0 } from '../support/sim-client';
import { answerConsent } from '../support/sim-consent';

let sim: FleetSimulator;
afterEach(async () => {
  await sim.stop();
});

async function login(
  options: { pasteInstead?: (authorizeUrl: string) => Promise<string>; state?: 'tamper'; regionFromToken?: boolean; untick?: string[] } = {},
) {
  const clock = new SimClock(T0, 0);
  sim = await FleetSimulator.start({ clock, accountRegion: 'eu' });
  const store = new FileTokenStore(join(await mkdtemp(join(tmpdir(), 'login-')), 'tesla-tokens.json'));
  const said: string[] = [];
  let pasted: ((text: string) => void) | undefined;
  const pastePromise = new Promise<string>((resolve) => (pasted = resolve));
  const bundle = runLogin({
    clientId: SIM_CLIENT_ID,
    clientSecret: sim.oauth.clientSecret,
    redirectUri: options.pasteInstead ? 'https://example.invalid/callback' : 'http://127.0.0.1:0/callback',
    authorizeUrl: `${sim.baseUrl}/oauth2/v3/authorize`,
    fleetApiUrl: sim.baseUrl,
    // The simulator is a host the owner names (as --fleet-api-url does), unless the test reads the region from the token.
    regionOverride: !options.regionFromToken,
    scopes: [...LOGIN_SCOPES, LOCATION_SCOPE],
    oauth: new UndiciOAuthClient({ authUrl: sim.baseUrl }),
    store,
    now: () => clock.now(),
    say: (line) => {
      said.push(line);
      if (!line.startsWith('http')) return;
      // The owner's browser: open the authorize URL and follow Tesla's redirect.
      if (options.pasteInstead) void options.pasteInstead(line).then((text) => pasted!(text));
      else
        void answerConsent(line, { untick: options.untick }).then((location) =>
          fetch(options.state === 'tamper' ? location.replace(/state=[^&]+/, 'state=forged') : location),
        );
    },
    pasted: pastePromise,
    timeoutMs: 5_000,
  });
  return { bundle, store, said, clock };
}

describe('npm run login against the simulator', () => {
  it('completes through the loopback redirect and stores a bundle the client can use', async () => {
    const { bundle, store, said, clock } = await login();
    const stored = await bundle;
    expect(said.filter((line) => line.startsWith('Warning:'))).toEqual([]);
    expect(await store.read()).toEqual(stored);
    expect(stored).toMatchObject({
      clientId: SIM_CLIENT_ID,
      fleetApiBaseUrl: sim.baseUrl,
      scopes: expect.arrayContaining(['offline_access', 'vehicle_location']),
    });
    expect(said.join('\n')).not.toContain(stored.refreshToken);
    expect(said.join('\n')).not.toContain(stored.accessToken!);
    expect(said[1]).toMatch(/response_type=code/);
    expect(said[1]).toMatch(/scope=openid\+offline_access/);

    const oauth = new UndiciOAuthClient({ authUrl: sim.baseUrl });
    const fleet = new UndiciFleetApi({
      baseUrl: stored.fleetApiBaseUrl!,
      tokens: new StoredAccessTokens(store, new InProcessTokenRenewer(store, oauth, clock), clock),
    });
    await expect(fleet.listVehicles()).resolves.toHaveLength(1);
  });

  it('takes the account’s region from the token’s claims when the owner names none', async () => {
    const { bundle } = await login({ regionFromToken: true });
    expect((await bundle).fleetApiBaseUrl).toBe('https://fleet-api.prd.eu.vn.cloud.tesla.com');
  });

  it('accepts the pasted redirect URL when the redirect is not a loopback address', async () => {
    const { bundle } = await login({
      pasteInstead: async (authorizeUrl) => {
        return answerConsent(authorizeUrl);
      },
    });
    await expect(bundle).resolves.toMatchObject({ clientId: SIM_CLIENT_ID });
  });

  it('grants only the scopes the owner left ticked, and the simulated Fleet API enforces them', async () => {
    const { bundle, store, clock, said } = await login({ untick: ['vehicle_location', 'vehicle_cmds'] });
    const stored = await bundle;
    // Said at once, with what each missing scope costs.
    expect(said.filter((line) => line.startsWith('Warning:'))).toEqual([
      expect.stringMatching(/^Warning: vehicle_cmds was not granted: commands cannot be sent/),
      expect.stringMatching(/^Warning: vehicle_location was not granted: locations are not recorded/),
    ]);
    expect(stored.scopes).toEqual(expect.arrayContaining(['offline_access', 'vehicle_device_data', 'vehicle_charging_cmds']));
    expect(stored.scopes).not.toContain('vehicle_location');
    const fleet = new UndiciFleetApi({
      baseUrl: stored.fleetApiBaseUrl!,
      tokens: new StoredAccessTokens(store, new InProcessTokenRenewer(store, new UndiciOAuthClient({ authUrl: sim.baseUrl }), clock), clock),
    });
    const vin = (await fleet.listVehicles())[0]!.vin;
    await fleet.wakeUp(vin);
    clock.advance(60_000);
    await expect(fleet.getVehicleData(vin, { includeLocation: true })).rejects.toBeInstanceOf(MissingScopeError);
    await expect(fleet.sendCommand(vin, 'honk_horn', {})).rejects.toMatchObject({ scopes: ['vehicle_cmds'] });
    await expect(fleet.sendCommand(vin, 'charge_start', {})).resolves.toBeDefined();
    await expect(fleet.getVehicleData(vin, { includeLocation: false })).resolves.toMatchObject({ vin });
  });

  it('an owner who denies gets no token, and nothing is stored', async () => {
    const clock = new SimClock(T0, 0);
    sim = await FleetSimulator.start({ clock });
    const location = await answerConsent(
      `${sim.baseUrl}/oauth2/v3/authorize?response_type=code&client_id=${SIM_CLIENT_ID}&redirect_uri=${encodeURIComponent('http://127.0.0.1:1/cb')}&scope=openid&state=s`,
      { deny: true },
    );
    expect(new URL(location).searchParams.get('error')).toBe('access_denied');
    expect(new URL(location).searchParams.get('code')).toBeNull();
  });

  it('refuses a redirect that does not carry the state it sent', async () => {
    const { bundle } = await login({ state: 'tamper' });
    await expect(bundle).rejects.toBeInstanceOf(LoginFlowError);
  });
});
