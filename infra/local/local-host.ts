import type { ApiDeps } from '../../shared/http/api-deps';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createApiHandler } from '../../functions/api/create-handler';
import { createCollectorHandler } from '../../functions/collector/create-handler';
import { composeCollectorDeps } from '../../shared/composition/collector-deps';
import { composeCommandDeps } from '../../shared/composition/command-deps';
import { API_TOKEN_FORMAT, API_TOKEN_FORMAT_TEXT, type LocalSettings } from '../../shared/config/local-settings';
import { systemClock, type Clock } from '../../shared/domain/clock';
import type { CollectorSummary } from '../../shared/domain/collector';
import type { CollectorHalt } from '../../shared/domain/collector-run';
import { DynamoDbCollectorRuns } from '../../shared/store/dynamodb-collector-runs';
import type { Log } from '../../shared/domain/stores';
import { ApiTokenVerifier } from '../../shared/secrets/api-token-verifier';
import { FileReadTokenStore } from '../../shared/secrets/read-token-stores';
import { readIfExists, writeOwnerOnly } from '../../shared/secrets/owner-only-file';
import { FileCommandKeyStore } from '../../shared/secrets/command-key-stores';
import { cachedCommandKey } from '../../shared/vcp/command-key';
import { DynamoDbSessionCache } from '../../shared/store/dynamodb-session-cache';
import { SignedCommandClient } from '../../shared/vcp/signed-command-client';
import type { FleetSimulator } from '../simulator/fleet-simulator';
import { type FleetSimulatorOptions } from '../simulator/fleet-simulator';
import type { RunningSimulator } from './data-files';
import { dataFile } from './data-files';
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

import { LOCAL_TABLE_NAME, openLocalData, type LocalData } from './local-data';
import { connectLocalFleet, type LocalFleet } from './local-fleet';
import { LOCAL_STREAM_TICK_MS, localStream } from './local-stream';

export { LOCAL_TABLE_NAME } from './local-data';
export { localSimCars } from './local-sim-cars';

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
  /** The simulated cars stream (`npm start -- --stream`); the collector then leaves a streaming car to the stream. */
  stream?: boolean;
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
  /** With `stream`: records what each simulated car streams now (the scheduler does it every second). */
  streamTick: (() => Promise<void>) | null;
  stop(): Promise<void>;
}

const quietLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Everything `npm start` runs, in one process: dynalite (persistent under DATA_DIR), the simulator unless a real
 * Fleet API is configured, the same API and collector handlers the Lambdas use, and a scheduler for the collector.
 */
export async function startLocalHost(settings: LocalSettings, options: LocalHostOptions = {}): Promise<LocalHost> {
  const log = options.log ?? quietLog;
  const data = await openLocalData(settings, log);
  const { stopping, stores } = data;
  try {
    const car = await connectLocalFleet(settings, options, stores, log, stopping);
    const notify = localNotifications(data, settings, car.clock, log);
    const stream = options.stream && car.simulator ? await localStream(data, car.simulator, settings.includeLocation, log) : null;
    if (stream) stopping.unshift(stream.stop);
    const collectNow = localCollector(data, car, notify, settings, log, stream !== null);
    const apiToken = settings.apiToken ?? (await loadOrCreateApiToken(settings.dataDir));
    const served = await serveLocalApi({ data, car, notify, settings, log, collectNow, apiToken });
    stopping.unshift(served.close);
    stopping.unshift(...startSchedules(settings, options, collectNow, served.automations));
    if (stream) stopping.unshift(startStreaming(options, stream.tick, log));
    if (car.simulator) {
      // For `npm run login -- --simulator` and `npm run keys`, which run beside the host.
      const file = dataFile(settings.dataDir, 'simulator');
      const running: RunningSimulator = { fleetApiUrl: car.simulator.baseUrl, apiUrl: served.url, pid: process.pid };
      await writeOwnerOnly(file, `${JSON.stringify(running, null, 2)}\n`);
      stopping.push(() => rm(file, { force: true }));
    }
    const newestReadingAt = async (): Promise<number | null> => {
      const latest = await Promise.all((await stores.listVehicles()).map((v) => stores.latestSnapshot(v.vin)));
      const times = latest.flatMap((s) => (s ? [s.takenAt] : []));
      return times.length > 0 ? Math.max(...times) : null;
    };
    const { url } = served;
    return {
      url,
      apiToken,
      simulator: car.simulator,
      collectNow,
      newestReadingAt,
      automations: served.automations,
      streamTick: stream?.tick ?? null,
      stop: () => stopAll(stopping),
    };
  } catch (error) {
    await stopAll(stopping);
    throw error;
  }
}

interface LocalNotifications {
  outbox: DynamoDbNotificationOutbox;
  notifier: Notifier;
  notices: CollectorNotices;
  policy: { allowPrivateNetworks: boolean };
}

/** Notifications as in AWS, except that e-mail is printed: there is no SNS topic. */
function localNotifications(data: LocalData, settings: LocalSettings, clock: Clock, log: Log): LocalNotifications {
  const outbox = new DynamoDbNotificationOutbox({ client: data.doc, tableName: LOCAL_TABLE_NAME });
  const policy = { allowPrivateNetworks: settings.notifyAllowPrivateNetworks };
  const notifier = new Notifier({ outbox, channels: (config) => channelsFor(config, new ConsoleEmailChannel((line) => log.warn(line)), policy), clock, log });
  return { outbox, notifier, notices: new CollectorNotices(notifier, outbox, data.stores), policy };
}

/** The collector handler the Lambda runs; one pass at a time, each advancing the data checkpoint. */
function localCollector(
  data: LocalData,
  car: LocalFleet,
  notify: LocalNotifications,
  settings: LocalSettings,
  log: Log,
  streaming: boolean,
): LocalHost['collectNow'] {
  const { fleet, tokens, clock } = car;
  const deps = composeCollectorDeps({
    fleet,
    stores: data.stores,
    history: data.history,
    billing: data.billing,
    clock,
    log,
    tunables: settings,
    onReading: (vehicle, reading) => notify.notices.onReading(vehicle, reading),
    grantedScopes: async () => (await tokens.bundle(true)).scopes ?? null,
    ...(streaming ? { streamStates: data.streamStates } : {}),
  });
  const collector = createCollectorHandler(deps, {
    notices: notify.notices,
    runs: new DynamoDbCollectorRuns({ client: data.doc, tableName: LOCAL_TABLE_NAME }),
  });
  let pass: Promise<CollectorSummary | CollectorHalt> | null = null;
  return () => {
    pass ??= collector(undefined, {} as never)
      .finally(() => data.checkpoint.advance().catch((error: unknown) => log.warn(`could not record the data checkpoint: ${String(error)}`)))
      .finally(() => {
        pass = null;
      });
    return pass;
  };
}

/** The API handler the Lambda runs, with the runner for automations, served over HTTP on the configured port. */
async function serveLocalApi(parts: {
  data: LocalData;
  car: LocalFleet;
  notify: LocalNotifications;
  settings: LocalSettings;
  log: Log;
  collectNow: LocalHost['collectNow'];
  apiToken: string;
}): Promise<{ url: string; automations: LocalAutomationScheduler; close: () => Promise<void> }> {
  const { data, car, notify, settings, log } = parts;
  const { simulator, clock } = car;
  let apiUrl: string | null = null;
  // The app's command key. A key made by `npm run keys` while the host runs is picked up at the next command; the
  // simulated cars take it once the owner pairs it on the simulator's /_ak/<domain> page, as with a real car.
  const commandKey = cachedCommandKey(new FileCommandKeyStore(dataFile(settings.dataDir, 'commandKey')), { missingTtlMs: 0 });
  const commandDeps = composeCommandDeps({
    ...data,
    fleet: car.fleet,
    clock,
    log,
    tunables: settings,
    // On the simulator's clock a wait moves simulated time (instantly when the clock is driven by hand).
    sleep: (ms) => (simulator ? simulator.clock.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms))),
    commandKey,
    signed: new SignedCommandClient({ key: commandKey, sessions: new DynamoDbSessionCache(data.doc, LOCAL_TABLE_NAME), clock }),
    // The simulated cars are paired on the simulator's own /_ak/<domain> page, for the domain this API serves.
    pairingUrl: () => (simulator && apiUrl ? `${simulator.baseUrl}/_ak/${new URL(apiUrl).host}` : null),
  });
  const { automationStore, automations } = await localAutomations(data, notify, clock, commandDeps);
  const readTokens = new FileReadTokenStore(dataFile(settings.dataDir, 'readTokens'));
  const api = createApiHandler(
    {
      ...commandDeps,
      collectNow: parts.collectNow,
      automations: { store: automationStore, trigger: automations },
      notifications: { outbox: notify.outbox, notifier: notify.notifier, emailAvailable: true, policy: notify.policy },
    },
    // Read on every request locally, so `npm run api-token` takes effect at once.
    new ApiTokenVerifier(async () => ({ owner: parts.apiToken, readTokens: await readTokens.read() }), systemClock, 0),
  );
  const { server, url } = await serveLambda(api, settings.port);
  apiUrl = url;
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url, automations, close };
}

/** Automations: the same runner as the Lambda, fired by the local scheduler on the host's clock. */
async function localAutomations(data: LocalData, notify: LocalNotifications, clock: Clock, commandDeps: ApiDeps) {
  const automationStore = new DynamoDbAutomationStore({ client: data.doc, tableName: LOCAL_TABLE_NAME });
  const automationFailed = (automation: Automation, run: AutomationRun): Promise<void> => notify.notifier.sendNow([automationFailedNotice(automation, run)]);
  const automations = new LocalAutomationScheduler(clock, (due) => runAutomation({ ...commandDeps, automationStore, automationFailed }, due));
  await automations.load(automationStore);
  return { automationStore, automations };
}

/** Asks the simulated cars what they stream every second; a failure is logged and the next second tries again. */
function startStreaming(options: LocalHostOptions, tick: () => Promise<void>, log: Log): () => Promise<void> {
  const scheduler = new IntervalScheduler(LOCAL_STREAM_TICK_MS, () => tick().catch((error: unknown) => log.error(`streaming: ${String(error)}`)));
  if (options.schedule !== false) scheduler.start();
  return () => scheduler.stop();
}

/** The collector every COLLECT_INTERVAL_SECONDS and the automations' ticks, unless the caller drives them; their stops. */
function startSchedules(
  settings: LocalSettings,
  options: LocalHostOptions,
  collectNow: LocalHost['collectNow'],
  automations: LocalAutomationScheduler,
): Array<() => Promise<void>> {
  const scheduler = new IntervalScheduler(settings.collectIntervalSeconds * 1000, async () => {
    try {
      options.onCollect?.(await collectNow());
    } catch (error) {
      options.onCollect?.(error instanceof Error ? error : new Error('collector failed'));
    }
  });
  const automationTicks = new IntervalScheduler(AUTOMATION_TICK_MS, async () => void (await automations.tick()));
  if (options.schedule !== false) {
    scheduler.start();
    void scheduler.runOnce();
    automationTicks.start();
  }
  return [() => scheduler.stop(), () => automationTicks.stop()];
}

async function stopAll(steps: Array<() => Promise<void>>): Promise<void> {
  for (const step of steps.splice(0)) await step().catch(() => undefined);
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
