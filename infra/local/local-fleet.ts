import { ConfigError } from '../../shared/config/config-error';
import type { LocalSettings } from '../../shared/config/local-settings';
import { systemClock, type Clock } from '../../shared/domain/clock';
import type { Log, SnapshotStore } from '../../shared/domain/stores';
import { FileTokenStore } from '../../shared/secrets/file-token-store';
import { UndiciFleetApi } from '../../shared/tesla/undici-fleet-api';
import { UndiciOAuthClient } from '../../shared/tesla/undici-oauth-client';
import type { TokenStore } from '../../shared/tokens/ports';
import { StoredAccessTokens } from '../../shared/tokens/stored-access-tokens';
import { InProcessTokenRenewer } from '../../shared/tokens/token-refresh';
import { FleetSimulator, SIM_CLIENT_ID, type FleetSimulatorOptions } from '../simulator/fleet-simulator';
import { dataFile } from './data-files';
import { localSimCars } from './local-sim-cars';
import { SimPairings } from './sim-pairings';

/** The Fleet API the host talks to: the simulator (no TESLA_FLEET_API_URL) or a real account, with its login. */
export interface LocalFleet {
  simulator: FleetSimulator | null;
  fleet: UndiciFleetApi;
  tokens: StoredAccessTokens;
  clock: Clock;
}

/**
 * Starts the simulator (each car going on from what was stored last time) or reads the real account's login, and
 * builds the Fleet client on it. What must be stopped is added to `stopping`.
 */
export async function connectLocalFleet(
  settings: LocalSettings,
  options: { simulator?: FleetSimulatorOptions; clock?: Clock },
  stores: Pick<SnapshotStore, 'latestSnapshot'>,
  log: Log,
  stopping: Array<() => Promise<void>>,
): Promise<LocalFleet> {
  const login =
    settings.fleetApiUrl === undefined ? await startLocalSimulator(settings, options.simulator, stores, log, stopping) : await realLogin(settings, log);
  const { simulator, tokenStore } = login;
  const clock = options.clock ?? simulator?.clock ?? systemClock;
  const renewer = new InProcessTokenRenewer(tokenStore, new UndiciOAuthClient({ authUrl: login.authUrl }), clock);
  const tokens = new StoredAccessTokens(tokenStore, renewer, clock);
  const fleet = new UndiciFleetApi({
    baseUrl: (await tokenStore.read())?.fleetApiBaseUrl ?? login.fleetApiUrl,
    tokens,
    onRegionChange: (baseUrl) => void rememberRegion(tokenStore, baseUrl),
  });
  return { simulator, fleet, tokens, clock };
}

interface LocalLogin {
  simulator: FleetSimulator | null;
  fleetApiUrl: string;
  authUrl: string;
  tokenStore: TokenStore;
}

async function realLogin(settings: LocalSettings, log: Log): Promise<LocalLogin> {
  const tokenStore = new FileTokenStore(dataFile(settings.dataDir, 'teslaTokens'));
  await seedRealTokens(tokenStore, settings, log);
  return { simulator: null, fleetApiUrl: settings.fleetApiUrl!, authUrl: settings.authUrl, tokenStore };
}

/** The built-in cars, each going on from what was stored last time (history never runs backwards), signed in. */
async function startLocalSimulator(
  settings: LocalSettings,
  options: FleetSimulatorOptions | undefined,
  stores: Pick<SnapshotStore, 'latestSnapshot'>,
  log: Log,
  stopping: Array<() => Promise<void>>,
): Promise<LocalLogin> {
  const cars = options?.cars ?? localSimCars(systemClock.now());
  const resumed = await Promise.all(
    cars.map(async (car) => {
      const last = await stores.latestSnapshot(car.vin);
      return {
        ...car,
        ...(last?.odometerMi != null ? { odometerMi: last.odometerMi } : {}),
        ...(last?.batteryLevel != null ? { batteryLevel: last.batteryLevel } : {}),
        // A car does not change what the owner set because the laptop restarted: no false "sentry off".
        ...(last?.locked != null ? { locked: last.locked } : {}),
        // (Not where the profile itself turns sentry on and off: that would pin it on.)
        ...(last?.sentryMode != null && !car.profile?.segments.some((s) => s.activity === 'sentry') ? { sentryMode: last.sentryMode } : {}),
      };
    }),
  );
  const pairings = new SimPairings(dataFile(settings.dataDir, 'simPairings'));
  const simulator = await FleetSimulator.start({
    ...options,
    cars: resumed,
    onPair: (key, vins) => void pairings.add(key, vins).catch((error: unknown) => log.warn(`could not keep the pairing: ${String(error)}`)),
  });
  await pairings.restore(simulator);
  stopping.push(() => pairings.settled());
  stopping.unshift(() => simulator.stop());
  // The simulator's login chain is new every run: keep its tokens apart from a real account's.
  const tokenStore = new FileTokenStore(dataFile(settings.dataDir, 'simTeslaTokens'));
  const login = simulator.login();
  await tokenStore.write({
    clientId: SIM_CLIENT_ID,
    refreshToken: login.refresh_token,
    accessToken: login.access_token,
    accessTokenExpiresAt: simulator.clock.now() + login.expires_in * 1000,
    scopes: login.scope.split(' '),
    fleetApiBaseUrl: simulator.baseUrl,
    updatedAt: simulator.clock.now(),
  });
  return { simulator, fleetApiUrl: simulator.baseUrl, authUrl: settings.authUrl || simulator.baseUrl, tokenStore };
}

/** TESLA_REFRESH_TOKEN seeds an empty store only: once stored, the token rotates and the variable goes stale. */
async function seedRealTokens(store: TokenStore, settings: LocalSettings, log: Log): Promise<void> {
  const stored = await store.read();
  if (stored !== null) {
    if (settings.refreshToken !== undefined && settings.refreshToken !== stored.refreshToken) {
      log.warn('TESLA_REFRESH_TOKEN ignored: a newer token is already stored; delete the stored token file to re-seed');
    }
    return;
  }
  if (settings.refreshToken === undefined)
    throw new ConfigError('TESLA_REFRESH_TOKEN', 'must be set when TESLA_FLEET_API_URL is set and no token is stored yet');
  if (settings.clientId === undefined) throw new ConfigError('TESLA_CLIENT_ID', 'must be set when TESLA_FLEET_API_URL is set');
  await store.write({
    clientId: settings.clientId,
    refreshToken: settings.refreshToken,
    ...(settings.clientSecret ? { clientSecret: settings.clientSecret } : {}),
    fleetApiBaseUrl: settings.fleetApiUrl,
  });
}

async function rememberRegion(store: TokenStore, baseUrl: string): Promise<void> {
  const bundle = await store.read();
  if (bundle && bundle.fleetApiBaseUrl !== baseUrl) await store.write({ ...bundle, fleetApiBaseUrl: baseUrl });
}
