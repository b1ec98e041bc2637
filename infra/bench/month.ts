import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DAY_MS, MINUTE_MS } from '../../shared/domain/clock';
import { runCollectorPass } from '../../shared/domain/collector';
import { composeCollectorDeps } from '../../shared/composition/collector-deps';
import type { Snapshot } from '../../shared/domain/snapshot';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { UndiciFleetApi } from '../../shared/tesla/undici-fleet-api';
import { UndiciOAuthClient } from '../../shared/tesla/undici-oauth-client';
import type { TokenStore } from '../../shared/tokens/ports';
import { StoredAccessTokens } from '../../shared/tokens/stored-access-tokens';
import type { TokenBundle } from '../../shared/tokens/token-bundle';
import { InProcessTokenRenewer } from '../../shared/tokens/token-refresh';
import { startLocalDynamo } from '../local/dynalite-server';
import { COMMUTER_PROFILE, driveProfileSchema, type DriveProfile } from '../simulator/drive-profile';
import { FleetSimulator, SIM_CLIENT_ID } from '../simulator/fleet-simulator';
import { SimClock } from '../simulator/sim-clock';
import { ConfigError } from '../../shared/config/config-error';
import { SettingsReader } from '../../shared/config/settings-reader';
import { readTunables, TUNABLES, type Tunable } from '../../shared/config/tunables';
import { snapshotFromVehicleData } from '../../shared/domain/snapshot';
import { recordHistory } from '../../shared/domain/history/history-recorder';
import type { FleetApi } from '../../shared/domain/fleet-api';
import { SimCar } from '../simulator/sim-car';
import { reportCar } from './month-car-report';
import { ASSUMED_COLD_STARTS_PER_DAY, DEFAULT_STACK_ITEMS, estimateAwsCost, KMS_REQUESTS_PER_DAY, secretsManagerCalls } from './aws-cost';
import { COLLECTOR_RUN_WRITES } from '../../shared/store/dynamodb-collector-runs';
import { READER_TOKEN_CACHE_MS, ROTATION_INTERVAL_HOURS } from '../../shared/tokens/token-bundle';
import { countDynamo } from './dynamo-counter';
import { type CarTimeline } from './idle-accuracy';

/** The settings the bench tries, read from its flags exactly as the functions read them (same limits, same defaults). */
const BENCH_TUNABLES = Object.values(TUNABLES as Record<string, Tunable>).filter((t): t is Tunable & { benchFlag: string } => t.benchFlag !== undefined);

const USAGE = `npm run bench:month -- [--profile FILE | --profiles A.json,B.json] [--days N] [--cars N] [--poor-connectivity SHARE] [--policy adaptive|fixed-10min] ${BENCH_TUNABLES.map((t) => `[--${t.benchFlag} N]`).join(' ')}

Runs the collector once a simulated minute against the Fleet API simulator for a month, on a hand-moved clock,
with DynamoDB on dynalite, then prints what it cost and how well it recorded the drives.
--profile FILE loads a drive profile (JSON, format in infra/simulator/drive-profile.ts); default: a commuter's day.
--cars N simulates 1–10 cars (default 1), sharing the account's budget as the collector does: with the default
$10, many cars each get little of it, and the bench's parkings observed then fall, by design.
--profiles gives each car its own profile (one car per file, up to 10).
--policy fixed-10min replaces the collector by a naive poller (vehicle_data every 10 minutes, whatever the car does),
for comparison.
--poor-connectivity SHARE makes every car answer that share (0–0.5) of its data requests 408 while online.
${BENCH_TUNABLES.map((t) => `--${t.benchFlag} N, as ${t.env}: ${t.meaning} (${'min' in t ? `${t.min}–${t.max}, ` : ''}default ${'default' in t ? String(t.default) : 'unset'}).`).join('\n')}`;

class MemoryTokenStore implements TokenStore {
  constructor(private bundle: TokenBundle) {}
  read(): Promise<TokenBundle | null> {
    return Promise.resolve(this.bundle);
  }
  write(bundle: TokenBundle): Promise<void> {
    this.bundle = bundle;
    return Promise.resolve();
  }
}

async function loadProfile(path: string | undefined): Promise<DriveProfile> {
  if (path === undefined) return COMMUTER_PROFILE;
  const parsed = driveProfileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'profile'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

function benchTunables(values: Record<string, unknown>) {
  const env = Object.fromEntries(BENCH_TUNABLES.map((t) => [t.env, typeof values[t.benchFlag] === 'string' ? values[t.benchFlag] : undefined])) as Record<
    string,
    string | undefined
  >;
  try {
    return readTunables(new SettingsReader(env));
  } catch (error) {
    const flag = BENCH_TUNABLES.find((t) => error instanceof ConfigError && t.env === error.setting)?.benchFlag;
    throw flag && error instanceof Error ? new Error(error.message.replace(/^\S+/, `--${flag}`)) : error;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string' },
      days: { type: 'string' },
      cars: { type: 'string' },
      profiles: { type: 'string' },
      'poor-connectivity': { type: 'string' },
      policy: { type: 'string' },
      help: { type: 'boolean' },
      ...Object.fromEntries(BENCH_TUNABLES.map((t) => [t.benchFlag, { type: 'string' as const }])),
    },
  });
  if (values.help) return console.log(USAGE);
  const days = Number(values.days ?? 30);
  const profileFiles = values.profiles?.split(',').filter(Boolean) ?? null;
  const carCount = profileFiles ? profileFiles.length : Number(values.cars ?? 1);
  const poorConnectivity = Number(values['poor-connectivity'] ?? 0);
  const policy = values.policy ?? 'adaptive';
  if (policy !== 'adaptive' && policy !== 'fixed-10min') throw new Error('--policy must be adaptive or fixed-10min');
  if (!(poorConnectivity >= 0 && poorConnectivity <= 0.5)) throw new Error('--poor-connectivity must be a share from 0 to 0.5');
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new Error('--days must be a whole number from 1 to 366');
  if (!Number.isInteger(carCount) || carCount < 1 || carCount > 10) throw new Error('--cars must be a whole number from 1 to 10');
  const profile = await loadProfile(values.profile);
  const profiles = profileFiles ? await Promise.all(profileFiles.map((file) => loadProfile(file))) : null;
  const tuned = benchTunables(values);
  const listingSettings = tuned;
  const { drivingIntervalMinutes } = tuned;

  const start = Date.parse('2026-03-01T00:00:00Z');
  const end = start + days * DAY_MS;
  const clock = new SimClock(start, 0);
  const vins = Array.from({ length: carCount }, (_, i) => `5YJ3E7EB0SF${String(100001 + i)}`);
  const sim = await FleetSimulator.start({
    clock,
    // Cars share the profile, each shifted by 7 minutes so that they do not move in lockstep.
    cars: vins.map((vin, i) => ({
      vin,
      id: 1000 + i,
      displayName: `Bench ${i + 1}`,
      profile: profiles?.[i] ?? profile,
      anchor: i * 7 * MINUTE_MS,
      odometerMi: 20_000,
      poorConnectivity,
    })),
  });
  const dynamo = await startLocalDynamo({ tableName: 'bench' });
  const counts = countDynamo(dynamo.client);
  const doc = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
  const stores = new DynamoDbStores({ client: doc, tableName: 'bench', snapshotRetentionDays: 400 });
  const history = new DynamoDbHistoryStore({ client: doc, tableName: 'bench' });
  const login = sim.login();
  const tokenStore = new MemoryTokenStore({
    clientId: SIM_CLIENT_ID,
    refreshToken: login.refresh_token,
    accessToken: login.access_token,
    accessTokenExpiresAt: clock.now() + login.expires_in * 1000,
  });
  // The token cache the functions use, and a count of what it reads (each read is a GetSecretValue in AWS).
  let tokenReads = 0;
  const countedTokens: TokenStore = { read: () => ((tokenReads += 1), tokenStore.read()), write: (bundle) => tokenStore.write(bundle) };
  const tokens = new StoredAccessTokens(
    countedTokens,
    new InProcessTokenRenewer(tokenStore, new UndiciOAuthClient({ authUrl: sim.baseUrl }), clock),
    clock,
    READER_TOKEN_CACHE_MS,
  );
  const fleet = new UndiciFleetApi({ baseUrl: sim.baseUrl, tokens });
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

  // Shadow cars: the same profiles, in the same simulated time, that nobody ever asks anything. The minutes a
  // polled car is awake beyond its shadow's are the minutes polling kept it awake, even if it never slept.
  const shadows = vins.map(
    (vin, i) =>
      new SimCar({ vin, id: 9000 + i, displayName: 'shadow', profile: profiles?.[i] ?? profile, anchor: i * 7 * MINUTE_MS, odometerMi: 20_000 }, start),
  );
  const awakeMinutes = new Map(vins.map((vin) => [vin, { polled: 0, shadow: 0 }]));
  const timelines = new Map<string, CarTimeline>(vins.map((vin) => [vin, { start, batteryLevel: [], asleep: [] }]));

  const wallStart = performance.now();
  let passes = 0;
  for (let t = start; t < end; t += MINUTE_MS) {
    clock.advance(t - clock.now());
    if (policy === 'adaptive') {
      await runCollectorPass(composeCollectorDeps({ fleet, stores, history, clock, log: quiet, tunables: tuned }));
    } else if ((t - start) % (10 * MINUTE_MS) === 0) {
      await naivePoll(fleet, vins, stores, history, clock.now());
    }
    vins.forEach((vin, i) => {
      const minutes = awakeMinutes.get(vin)!;
      const car = sim.car(vin); // advanced to now, as any request would
      if (car.state() === 'online') minutes.polled += 1;
      timelines.get(vin)!.batteryLevel.push(car.batteryLevel);
      timelines.get(vin)!.asleep.push(car.state() === 'asleep');
      shadows[i]!.advanceTo(t);
      if (shadows[i]!.state() === 'online') minutes.shadow += 1;
    });
    passes += 1;
  }
  clock.advance(end - clock.now());
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const written = { ...counts };

  console.log(
    `\nbench:month — ${days} simulated days, ${carCount} car(s), ${profiles ? `profiles ${profiles.map((p, i) => p.name ?? profileFiles![i]).join(', ')}` : `profile "${profile.name ?? values.profile}"`}${policy === 'fixed-10min' ? ', naive poller every 10 minutes' : ''}${poorConnectivity > 0 ? `, ${Math.round(poorConnectivity * 100)} % of data requests lost to poor connectivity` : ''}${drivingIntervalMinutes !== 5 ? `, driving cars read every ${drivingIntervalMinutes} min` : ''}, ${passes} collector passes in ${wallSeconds.toFixed(1)} s\n`,
  );
  const snapshotsCounted: Snapshot[][] = [];
  for (const vin of vins) {
    const carProfile = profiles?.[vins.indexOf(vin)] ?? profile;
    snapshotsCounted.push(await reportCar(vin, { sim, stores, history, start, end, days, awakeMinutes, timelines, carProfile }));
  }
  const listCalls = sim.billing.total.free - [...sim.billing.byVehicle.values()].reduce((n, v) => n + v.free, 0);
  console.log(
    `list calls (account)    ${listCalls} in ${passes} passes${listingSettings.asleepListIntervalMinutes > 1 ? `, sleeping cars listed every ${listingSettings.asleepListIntervalMinutes} min` : ''}; at $${listingSettings.listCallPricePer1000Usd} per 1,000: $${((listCalls * listingSettings.listCallPricePer1000Usd) / 1000).toFixed(2)} a month, paid from the budget first`,
  );
  console.log(
    `DynamoDB (all cars): ${written.itemsWritten} item writes, ${(written.bytesWritten / 1024).toFixed(0)} KiB written, ${written.requests} requests`,
  );

  // AWS cost of the default deployment, scaled to 30 days, from what this run counted. Modelled latencies: a Fleet
  // call from Lambda ~250 ms, a DynamoDB call ~8 ms; an owner's ~10 API calls a day; two automations a day (a wake
  // and a command each); notifications on, ~10 a day on each of webhook, ntfy and e-mail. With notifications on, a
  // pass reads their settings and the queue (2 reads), and each reading reads the settings and the detectors' memory
  // (which holds the reading before) and writes that memory back (2 reads, 1 write); each notification and channel is
  // ~4 writes (record, queue, settle, delete).
  const scale = 30 / days;
  const fleetCalls = sim.billing.total.data + sim.billing.total.command + sim.billing.total.wake + sim.billing.total.free;
  const collectorMs = 60 + (fleetCalls * 250 + written.requests * 8) / passes;
  const cost = estimateAwsCost({
    collectorInvocations: passes * scale,
    collectorMs,
    apiRequests: 300,
    apiMs: 400,
    rotationInvocations: 6 * 4 * 30, // every 4 hours, four steps
    // The run lease: taken and freed by every run (DynamoDbCollectorRuns; the bench calls the pass directly).
    dynamoWrites:
      passes * scale * COLLECTOR_RUN_WRITES +
      written.itemsWritten * scale +
      snapshotsCounted.reduce((n, list) => n + list.length, 0) * scale +
      10 * 30 * 3 * 4 +
      60 * 4,
    dynamoReads:
      (written.requests - written.itemsWritten) * scale + passes * scale * 2 + snapshotsCounted.reduce((n, list) => n + list.length, 0) * scale * 2 + 60 * 6,
    storedBytes: written.bytesWritten * scale * 12, // a year of history kept
    secretsCalls: secretsManagerCalls({ days: 30, collectorReadsPerDay: tokenReads / days, rotationsPerDay: 24 / ROTATION_INTERVAL_HOURS, apiColdStarts: 100 }),
    kmsRequests: 30 * KMS_REQUESTS_PER_DAY,
    logBytes: passes * scale * 700,
    ...DEFAULT_STACK_ITEMS,
    customMetrics: 10,
    memoryMb: 256,
    automationRuns: 60,
    automationMs: 60 + 3 * 250 + 0.5 * 20_000, // state, wake, command; half the runs wait ~20 s for a sleeping car
    emailNotifications: 10 * 30,
  });
  const total = (f: (l: (typeof cost)[number]) => number) => cost.reduce((sum, line) => sum + f(line), 0);
  console.log(`\nestimated AWS cost per month (us-east-1 list prices; modelled collector run ${collectorMs.toFixed(0)} ms):`);
  console.log(`  (the collector's token cache read the secret ${tokenReads} times in ${days} days; cold starts assumed ${ASSUMED_COLD_STARTS_PER_DAY} a day)`);
  for (const line of cost) console.log(`  ${line.item.padEnd(64)} $${line.usd.toFixed(3)}   after always-free tier $${line.usdAfterFreeTier.toFixed(3)}`);
  console.log(
    `  ${'total'.padEnd(64)} $${total((l) => l.usd).toFixed(2)}   after always-free tier $${total((l) => l.usdAfterFreeTier).toFixed(2)}  (target < $1)`,
  );

  // A year of daily history: one snapshot per day for a year, then the daily query the API makes.
  const yearVin = '5YJ3E7EB0SF200001';
  for (let d = 0; d < 365; d++) {
    await stores.putSnapshot({ vin: yearVin, takenAt: Date.parse('2025-01-01T12:00:00Z') + d * DAY_MS, odometerMi: 1000 + d * 25 } as Snapshot);
  }
  const readBefore = counts.itemsRead;
  const year = await stores.dayRollups(yearVin, '2025-01-01', '2025-12-31');
  console.log(`daily-resolution year query: ${counts.itemsRead - readBefore} items read for ${year.days.length} days (target ≤ 400)\n`);

  await sim.stop();
  await dynamo.stop();
}

/** What a naive logger does: ask every car for vehicle_data on a fixed clock, whatever it is doing (a 408 is billed too). */
async function naivePoll(fleet: FleetApi, vins: readonly string[], stores: DynamoDbStores, history: DynamoDbHistoryStore, now: number): Promise<void> {
  for (const vin of vins) {
    try {
      const snapshot = snapshotFromVehicleData(vin, await fleet.getVehicleData(vin, { includeLocation: false }), now);
      if (snapshot.odometerMi === null) continue;
      await stores.putSnapshot(snapshot);
      await recordHistory(history, snapshot);
    } catch {
      // asleep (408) or refused: the request was billed all the same
    }
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
