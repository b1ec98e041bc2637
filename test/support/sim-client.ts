import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetSimulator, SIM_CLIENT_ID, type FleetSimulatorOptions } from '../../infra/simulator/fleet-simulator';
import { SimClock } from '../../infra/simulator/sim-clock';
import { FileTokenStore } from '../../shared/secrets/file-token-store';
import { UndiciFleetApi } from '../../shared/tesla/undici-fleet-api';
import { UndiciOAuthClient } from '../../shared/tesla/undici-oauth-client';
import { StoredAccessTokens } from '../../shared/tokens/stored-access-tokens';
import { InProcessTokenRenewer } from '../../shared/tokens/token-refresh';

export const T0 = Date.parse('2026-03-02T06:00:00Z');

/** A simulator on a manual clock, and the production client wired to it through a file token store. */
export async function simulatorWithClient(options: FleetSimulatorOptions = {}, clientBaseUrl?: (sim: FleetSimulator) => string) {
  const clock = options.clock ?? new SimClock(T0, 0);
  const sim = await FleetSimulator.start({ ...options, clock });
  const login = sim.login();
  const store = new FileTokenStore(join(await mkdtemp(join(tmpdir(), 'sim-tokens-')), 'tokens.json'));
  await store.write({
    clientId: SIM_CLIENT_ID,
    refreshToken: login.refresh_token,
    accessToken: login.access_token,
    accessTokenExpiresAt: clock.now() + login.expires_in * 1000,
  });
  const renewer = new InProcessTokenRenewer(store, new UndiciOAuthClient({ authUrl: sim.baseUrl }), clock);
  const tokens = new StoredAccessTokens(store, renewer, clock, 0);
  const regionChanges: string[] = [];
  const fleet = new UndiciFleetApi({ baseUrl: clientBaseUrl?.(sim) ?? sim.baseUrl, tokens, onRegionChange: (u) => regionChanges.push(u) });
  return { sim, clock, store, fleet, login, regionChanges };
}
