import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createApiHandler } from '../../functions/api/create-handler';
import { createCollectorHandler } from '../../functions/collector/create-handler';
import { composeCollectorDeps } from '../../shared/composition/collector-deps';
import { composeCommandDeps } from '../../shared/composition/command-deps';
import { ConfigError } from '../../shared/config/config-error';
import { API_TOKEN_FORMAT, API_TOKEN_FORMAT_TEXT, type LocalSettings } from '../../shared/config/local-settings';
import { HOUR_MS, systemClock, type Clock } from '../../shared/domain/clock';
import type { CollectorSummary } from '../../shared/domain/collector';
import type { CollectorHalt } from '../../shared/domain/collector-run';
import { DynamoDbCollectorRuns } from '../../shared/store/dynamodb-collector-runs';
import { DataCheckpoint } from './data-checkpoint';
import type { Log } from '../../shared/domain/stores';
import { ApiTokenVerifier } from '../../shared/secrets/api-token-verifier';
import { FileTokenStore } from '../../shared/secrets/file-token-store';
import { FileReadTokenStore } from '../../shared/secrets/read-token-stores';
import { readIfExists, tightenOwnerOnly, writeOwnerOnly } from '../../shared/secrets/owner-only-file';
import { FileCommandKeyStore } from '../../shared/secrets/command-key-stores';
import { DynamoDbCommandStores } from '../../shared/store/dynamodb-command-stores';
import { cachedCommandKey } from '../../shared/vcp/command-key';
import { DynamoDbSessionCache } from '../../shared/store/dynamodb-session-cache';
import { SignedCommandClient } from '../../shared/vcp/signed-command-client';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { UndiciFleetApi } from '../../shared/tesla/undici-fleet-api';
import { UndiciOAuthClient } from '../../shared/tesla/undici-oauth-client';
import type { TokenStore } from '../../shared/tokens/ports';
import { StoredAccessTokens } from '../../shared/tokens/stored-access-tokens';
import { InProcessTokenRenewer } from '../../shared/tokens/token-refresh';
import { DEFAULT_SIM_VIN, FleetSimulator, SIGNED_SIM_VIN, SIM_CLIENT_ID, type FleetSimulatorOptions } from '../simulator/fleet-simulator';
import type { RunningSimulator } from './data-files';
import { dataFile } from './data-files';
import { SimPairings } from './sim-pairings';
import { startLocalDynamo } from './dynalite-server';
import { IntervalScheduler } from './interval-scheduler';
import { serveLambda } from './lambda-http-adapter';
import { LocalAutomationScheduler } from './local-automation-scheduler';
import { DynamoDbAutomationStore } from '../../shared/store/dynamodb-automation-store';
import { runAutomation } from '../../shared/domain/automations/run-automation';
import type { Automation, AutomationRun } from '../../shared/domain/automations/automation';
import { CollectorNotices } from '../../shared/domain/notifications/collector-notices';
import { automationFailed as automationFailedNotice } from '../../shared/domain/notifications/notification-detectors';
import { Notifier } from '../../shared/domain/notifications/notifier';
import { channelsFor } from '../../shared/notify/channels';
import { ConsoleEmailChannel } from '../../shared/notify/sns-email-channel';
import { DynamoDbNotificationOutbox } from '../../shared/store/dynamodb-notification-outbox';

/** How often the local scheduler looks for due automations (EventBridge Scheduler has one-minute precision). */
const AUTOMATION_TICK_MS = 20_000;

export const LOCAL_TABLE_NAME = 'tesla-fleet-logger';

export interface LocalHostOptions {
  /** Replaces the simulator's defaults (tests use a manual clock). */
  simulator?: FleetSimulatorOptions;
  /** The clock of the collector and API; defaults to the simulator's, else the system clock. */
  clock?: Clock;
  log?: Log;
  /** Told after each scheduled collector pass. */
  onCollect?: (summary: CollectorSummary | CollectorHalt | Error) => void;
  /** Run the scheduler (default true). */
  schedule?: boolean;
}

export interface LocalHost {
  url: string;
  apiToken: string;
  /** The built-in car, when no real Fleet API was configured. */
  simulator: FleetSimulator | null;
  collectNow(): Promise<CollectorSummary | CollectorHalt>;
  /** When the newest stored reading of any car was taken (ms), or null with none stored. */
  newestReadingAt(): Promise<number | null>;
  /** Fires automations; `tick()` runs what is due now (tests drive it on a simulated clock). */
  automations: LocalAutomationScheduler;
  stop(): Promise<void>;
}

const quietLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Everything `npm start` runs, in one process: dynalite (persistent under DATA_DIR), the simulator unless a real
 * Fleet API is configured, the same API and collector handlers the Lambdas use, and a scheduler for the collector.
 */
export async function startLocalHost(settings: LocalSettings, options: LocalHostOptions = {}): Promise<LocalHost> {
  const log = options.log ?? quietLog;
  // A refresh that was written but not yet renamed into place when the process died holds the only refresh token
  // Tesla still honours: recovered before the clean-up below removes leftover temporary files.
  for (const name of ['teslaTokens', 'simTeslaTokens'] as const) {
    if (await new FileTokenStore(dataFile(settings.dataDir, name)).recoverInterruptedWrite())
      log.warn(`recovered the newest Tesla tokens from an interrupted write (${dataFile(settings.dataDir, name)})`);
  }
  // Owner-only through and through (tokens, keys, history), tightened if the folder already existed.
  await tightenOwnerOnly(settings.dataDir);
  const dbPath = join(settings.dataDir, 'dynamodb');
  const existed = DataCheckpoint.existingDatabase(dbPath);
  const dynamo = await startLocalDynamo({ path: dbPath, tableName: LOCAL_TABLE_NAME });
  const stopping: Array<() => Promise<void>> = [() => dynamo.stop()];
  try {
    const doc = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
    const checkpoint = new DataCheckpoint(doc, LOCAL_TABLE_NAME, dataFile(settings.dataDir, 'dataCheckpoint'));
    await checkpoint.verify(existed, dbPath);
    await checkpoint.advance();
    const stores = new DynamoDbStores({ client: doc, tableName: LOCAL_TABLE_NAME, snapshotRetentionDays: settings.snapshotRetentionDays });
    const history = new DynamoDbHistoryStore({ client: doc, tableName: LOCAL_TABLE_NAME, stateChangeRetentionDays: settings.snapshotRetentionDays });
    const commands = new DynamoDbCommandStores({ client: doc, tableName: LOCAL_TABLE_NAME, auditRetentionDays: settings.snapshotRetentionDays });

    let simulator: FleetSimulator | null = null;
    let fleetApiUrl: string;
    let authUrl: string;
    let tokenStore: TokenStore;
    if (settings.fleetApiUrl === undefined) {
      // Each simulated car continues from what was stored last time, so history never runs backwards.
      const cars = options.simulator?.cars ?? localSimCars(systemClock.now());
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
      simulator = await FleetSimulator.start({
        ...options.simulator,
        cars: resumed,
        onPair: (key, vins) => void pairings.add(key, vins).catch((error: unknown) => log.warn(`could not keep the pairing: ${String(error)}`)),
      });
      await pairings.restore(simulator);
      stopping.push(() => pairings.settled());
      stopping.unshift(() => simulator!.stop());
      fleetApiUrl = simulator.baseUrl;
      authUrl = settings.authUrl || simulator.baseUrl;
      // The simulator's login chain is new every run: keep its tokens apart from a real account's.
      tokenStore = new FileTokenStore(dataFile(settings.dataDir, 'simTeslaTokens'));
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
    } else {
      fleetApiUrl = settings.fleetApiUrl;
      authUrl = settings.authUrl;
      tokenStore = new FileTokenStore(dataFile(settings.dataDir, 'teslaTokens'));
      await seedRealTokens(tokenStore, settings, log);
    }

    const clock = options.clock ?? simulator?.clock ?? systemClock;
    const renewer = new InProcessTokenRenewer(tokenStore, new UndiciOAuthClient({ authUrl }), clock);
    const tokens = new StoredAccessTokens(tokenStore, renewer, clock);
    const fleet = new UndiciFleetApi({
      baseUrl: (await tokenStore.read())?.fleetApiBaseUrl ?? fleetApiUrl,
      tokens,
      onRegionChange: (baseUrl) => void rememberRegion(tokenStore, baseUrl),
    });

    // The app's command key. A key made by `npm run keys` while the host runs is picked up at the next command; the
    // simulated cars take it once the owner pairs it on the simulator's /_ak/<domain> page, as with a real car.
    const commandKey = cachedCommandKey(new FileCommandKeyStore(dataFile(settings.dataDir, 'commandKey')), { missingTtlMs: 0 });
    const signed = new SignedCommandClient({ key: commandKey, sessions: new DynamoDbSessionCache(doc, LOCAL_TABLE_NAME), clock });

    const outbox = new DynamoDbNotificationOutbox({ client: doc, tableName: LOCAL_TABLE_NAME });
    // Locally e-mail is printed, not sent: there is no SNS topic.
    const notifyPolicy = { allowPrivateNetworks: settings.notifyAllowPrivateNetworks };
    const notifier = new Notifier({
      outbox,
      channels: (config) => channelsFor(config, new ConsoleEmailChannel((line) => log.warn(line)), notifyPolicy),
      clock,
      log,
    });
    const notices = new CollectorNotices(notifier, outbox, stores);
    const collector = createCollectorHandler(
      composeCollectorDeps({
        fleet,
        stores,
        history,
        clock,
        log,
        tunables: settings,
        onReading: (car, reading) => notices.onReading(car, reading),
        grantedScopes: async () => (await tokens.bundle(true)).scopes ?? null,
      }),
      { notices, runs: new DynamoDbCollectorRuns({ client: doc, tableName: LOCAL_TABLE_NAME }) },
    );
    let pass: Promise<CollectorSummary | CollectorHalt> | null = null;
    const collectNow = (): Promise<CollectorSummary | CollectorHalt> => {
      pass ??= collector(undefined, {} as never)
        .finally(() => checkpoint.advance().catch((error: unknown) => log.warn(`could not record the data checkpoint: ${String(error)}`)))
        .finally(() => {
          pass = null;
        });
      return pass;
    };

    const apiToken = settings.apiToken ?? (await loadOrCreateApiToken(settings.dataDir));
    let apiUrl: string | null = null;
    const automationStore = new DynamoDbAutomationStore({ client: doc, tableName: LOCAL_TABLE_NAME });
    const readTokens = new FileReadTokenStore(dataFile(settings.dataDir, 'readTokens'));
    const commandDeps = composeCommandDeps({
      stores,
      history,
      commands,
      fleet,
      clock,
      log,
      tunables: settings,
      // On the simulator's clock a wait moves simulated time (instantly when the clock is driven by hand).
      sleep: (ms) => (simulator ? simulator.clock.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms))),
      commandKey,
      signed,
      // The simulated cars are paired on the simulator's own /_ak/<domain> page, for the domain this API serves.
      pairingUrl: () => (simulator && apiUrl ? `${simulator.baseUrl}/_ak/${new URL(apiUrl).host}` : null),
    });
    // Automations: the same runner as the Lambda, fired by the local scheduler on the host's clock.
    const automationFailed = (automation: Automation, run: AutomationRun): Promise<void> => notifier.sendNow([automationFailedNotice(automation, run)]);
    const automationScheduler = new LocalAutomationScheduler(clock, (due) => runAutomation({ ...commandDeps, automationStore, automationFailed }, due));
    await automationScheduler.load(automationStore);
    const api = createApiHandler(
      {
        ...commandDeps,
        collectNow,
        automations: { store: automationStore, trigger: automationScheduler },
        notifications: { outbox, notifier, emailAvailable: true, policy: notifyPolicy },
      },
      // Read on every request locally, so `npm run api-token` takes effect at once.
      new ApiTokenVerifier(async () => ({ owner: apiToken, readTokens: await readTokens.read() }), systemClock, 0),
    );
    const { server, url } = await serveLambda(api, settings.port);
    apiUrl = url;
    stopping.unshift(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );

    const scheduler = new IntervalScheduler(settings.collectIntervalSeconds * 1000, async () => {
      try {
        options.onCollect?.(await collectNow());
      } catch (error) {
        options.onCollect?.(error instanceof Error ? error : new Error('collector failed'));
      }
    });
    const automationTicks = new IntervalScheduler(AUTOMATION_TICK_MS, async () => void (await automationScheduler.tick()));
    if (options.schedule !== false) {
      scheduler.start();
      void scheduler.runOnce();
      automationTicks.start();
    }
    stopping.unshift(
      () => scheduler.stop(),
      () => automationTicks.stop(),
    );

    if (simulator) {
      // For `npm run login -- --simulator` and `npm run keys`, which run beside the host.
      const file = dataFile(settings.dataDir, 'simulator');
      await writeOwnerOnly(file, `${JSON.stringify({ fleetApiUrl: simulator.baseUrl, apiUrl: url, pid: process.pid } satisfies RunningSimulator, null, 2)}\n`);
      stopping.push(() => rm(file, { force: true }));
    }

    const newestReadingAt = async (): Promise<number | null> => {
      const latest = await Promise.all((await stores.listVehicles()).map((v) => stores.latestSnapshot(v.vin)));
      const times = latest.flatMap((s) => (s ? [s.takenAt] : []));
      return times.length > 0 ? Math.max(...times) : null;
    };
    return { url, apiToken, simulator, collectNow, newestReadingAt, automations: automationScheduler, stop: () => stopAll(stopping) };
  } catch (error) {
    await stopAll(stopping);
    throw error;
  }
}

/**
 * The cars `npm start` simulates: an older Model 3 that takes REST commands, and a Model Y that takes only signed
 * ones. Both follow the demo profile from the top of the clock hour (they drive minutes 0–12 of every hour).
 */
export function localSimCars(now: number): NonNullable<FleetSimulatorOptions['cars']> {
  const anchor = Math.floor(now / HOUR_MS) * HOUR_MS;
  return [
    { vin: DEFAULT_SIM_VIN, id: 1492932263280001, displayName: 'Sim Model 3', anchor },
    { vin: SIGNED_SIM_VIN, id: 1492932263280002, displayName: 'Sim Model Y', requiresSigning: true, anchor },
  ];
}

async function stopAll(steps: Array<() => Promise<void>>): Promise<void> {
  for (const step of steps.splice(0)) await step().catch(() => undefined);
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

/** The API token generated on first start and kept, owner-readable only, in DATA_DIR. */
async function loadOrCreateApiToken(dataDir: string): Promise<string> {
  const path = dataFile(dataDir, 'apiToken');
  const existing = (await readIfExists(path))?.trim();
  if (existing !== undefined && existing.length > 0) {
    // A token no client can send (a space or a quote pasted into the file) would make every request a 401 in silence.
    if (!API_TOKEN_FORMAT.test(existing)) {
      throw new Error(
        `${path} does not hold a usable API token (${API_TOKEN_FORMAT_TEXT}; a space or other character was found): fix it, or delete the file to get a new token`,
      );
    }
    return existing;
  }
  const token = randomBytes(32).toString('base64url');
  await writeOwnerOnly(path, `${token}\n`);
  return token;
}
