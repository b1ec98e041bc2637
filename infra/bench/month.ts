import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DAY_MS, MINUTE_MS } from '../../shared/domain/clock';
import { runCollectorPass } from '../../shared/domain/collector';
import { composeCollectorDeps } from '../../shared/composition/collector-deps';
import type { Snapshot } from '../../shared/domain/snapshot';
import type { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import type { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { COMMUTER_PROFILE, driveProfileSchema, type DriveProfile } from '../simulator/drive-profile';
import { ConfigError } from '../../shared/config/config-error';
import { SettingsReader } from '../../shared/config/settings-reader';
import { readTunables, TUNABLES, type Tunable } from '../../shared/config/tunables';
import { snapshotFromVehicleData } from '../../shared/domain/snapshot';
import { recordHistory } from '../../shared/domain/history/history-recorder';
import type { FleetApi } from '../../shared/domain/fleet-api';
import { SimCar } from '../simulator/sim-car';
import { reportCar } from './month-car-report';
import { type CarTimeline } from './idle-accuracy';
import { printAwsCost, printReceiverCost } from './month-aws-report';
import { startBenchWorld, type BenchWorld } from './month-world';
import { startTelemetry, type Telemetry } from './month-telemetry';

/** The settings the bench tries, read from its flags exactly as the functions read them (same limits, same defaults). */
const BENCH_TUNABLES = Object.values(TUNABLES as Record<string, Tunable>).filter((t): t is Tunable & { benchFlag: string } => t.benchFlag !== undefined);

const USAGE = `npm run bench:month -- [--profile FILE | --profiles A.json,B.json] [--days N] [--cars N] [--poor-connectivity SHARE] [--policy adaptive|fixed-10min] [--telemetry [--stand-down] [--wire]] ${BENCH_TUNABLES.map((t) => `[--${t.benchFlag} N]`).join(' ')}

Runs the collector once a simulated minute against the Fleet API simulator for a month, on a hand-moved clock,
with DynamoDB on dynalite, then prints what it cost and how well it recorded the drives.
--profile FILE loads a drive profile (JSON, format in infra/simulator/drive-profile.ts); default: a commuter's day.
--cars N simulates 1–10 cars (default 1), sharing the account's budget as the collector does: with the default
$10, many cars each get little of it, and the bench's parkings observed then fall, by design.
--profiles gives each car its own profile (one car per file, up to 10).
--policy fixed-10min replaces the collector by a naive poller (vehicle_data every 10 minutes, whatever the car does),
for comparison.
--telemetry also streams each car (Fleet Telemetry, the default signal set) from its unpolled twin into the
stream recorder, and prints what the history derived from the stream gets right, beside polling's.
--stand-down (with --telemetry) runs the collector as it runs with streaming on: a car whose twin streamed in the
last 15 minutes is not read. The billable requests and minutes kept awake printed are then what is left of polling.
--wire (with --telemetry) sends each record as in AWS: over mutual TLS, in Tesla's envelope, to the stand-in for
Tesla's receiver and through the bridge, the car waiting for each ack (needs the openssl command).
--poor-connectivity SHARE makes every car answer that share (0–0.5) of its data requests 408 while online.
${BENCH_TUNABLES.map((t) => `--${t.benchFlag} N, as ${t.env}: ${t.meaning} (${'min' in t ? `${t.min}–${t.max}, ` : ''}default ${'default' in t ? String(t.default) : 'unset'}).`).join('\n')}`;

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

interface MonthOptions {
  days: number;
  carCount: number;
  poorConnectivity: number;
  policy: 'adaptive' | 'fixed-10min';
  /** Also stream each car's unpolled shadow and derive its history from the stream (`--telemetry`). */
  telemetry: boolean;
  /** With --telemetry: the collector leaves a car whose twin streamed lately to the stream, as it does with streaming on. */
  standDown: boolean;
  /** With --telemetry: each record goes over mutual TLS to the stand-in receiver and the bridge, as in AWS. */
  wire: boolean;
  profile: DriveProfile;
  /** One per car, when each car has its own. */
  profiles: DriveProfile[] | null;
  label: string;
  tuned: ReturnType<typeof benchTunables>;
}

async function readOptions(): Promise<MonthOptions | null> {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string' },
      days: { type: 'string' },
      cars: { type: 'string' },
      profiles: { type: 'string' },
      'poor-connectivity': { type: 'string' },
      policy: { type: 'string' },
      telemetry: { type: 'boolean' },
      'stand-down': { type: 'boolean' },
      wire: { type: 'boolean' },
      help: { type: 'boolean' },
      ...Object.fromEntries(BENCH_TUNABLES.map((t) => [t.benchFlag, { type: 'string' as const }])),
    },
  });
  if (values.help) return null;
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
  const label = profiles ? `profiles ${profiles.map((p, i) => p.name ?? profileFiles![i]).join(', ')}` : `profile "${profile.name ?? values.profile}"`;
  const standDown = values['stand-down'] === true;
  if (standDown && values.telemetry !== true) throw new Error('--stand-down needs --telemetry (the stream it stands down for)');
  const wire = values.wire === true;
  if (wire && values.telemetry !== true) throw new Error('--wire needs --telemetry (the stream it carries)');
  return {
    days,
    carCount,
    poorConnectivity,
    policy,
    telemetry: values.telemetry === true,
    standDown,
    wire,
    profile,
    profiles,
    label,
    tuned: benchTunables(values),
  };
}

interface MonthRun {
  passes: number;
  wallSeconds: number;
  awakeMinutes: Map<string, { polled: number; shadow: number }>;
  timelines: Map<string, CarTimeline>;
  /** Per car: passes in which the budget's pace stretched its reads, and the largest stretch. */
  slowed: Map<string, { passes: number; largest: number }>;
  /** With --telemetry: the streamed side. */
  telemetry: Telemetry | null;
}

/** Runs the collector (or the naive poller) once a simulated minute, and follows each car and its unpolled shadow. */
async function simulate(world: BenchWorld, o: MonthOptions): Promise<MonthRun> {
  const { sim, clock, fleet, stores, history, billing, vins, start, end } = world;
  // Shadow cars: the same profiles, in the same simulated time, that nobody ever asks anything. The minutes a
  // polled car is awake beyond its shadow's are the minutes polling kept it awake, even if it never slept.
  const shadows = vins.map(
    (vin, i) =>
      new SimCar({ vin, id: 9000 + i, displayName: 'shadow', profile: o.profiles?.[i] ?? o.profile, anchor: i * 7 * MINUTE_MS, odometerMi: 20_000 }, start),
  );
  // With --telemetry the shadows stream too: streaming does not keep a car awake, so the unpolled car is the streaming one.
  const telemetry = o.telemetry
    ? await startTelemetry(
        shadows.map((shadow, i) => ({ shadow, profile: o.profiles?.[i] ?? o.profile, anchor: i * 7 * MINUTE_MS })),
        start,
        { wire: o.wire },
      )
    : null;
  const awakeMinutes = new Map(vins.map((vin) => [vin, { polled: 0, shadow: 0 }]));
  const timelines = new Map<string, CarTimeline>(
    vins.map((vin) => [vin, { start, batteryLevel: [], asleep: [], milesPerPercent: sim.car(vin).pack.milesPerPercent }]),
  );
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const wallStart = performance.now();
  let passes = 0;
  // As the handler tells each pass from its run record: when the pass before listed the cars.
  let lastListedAt: number | null = null;
  const slowed = new Map<string, { passes: number; largest: number }>();
  for (let t = start; t < end; t += MINUTE_MS) {
    clock.advance(t - clock.now());
    if (o.policy === 'adaptive') {
      const summary = await runCollectorPass({
        ...composeCollectorDeps({
          fleet,
          stores,
          history,
          billing,
          clock,
          log: quiet,
          tunables: o.tuned,
          // The polled car and its streaming twin drive the same profile: the twin's stream stands in for the car's.
          ...(o.standDown && telemetry !== null ? { streamStates: telemetry.streamStates } : {}),
        }),
        lastListedAt,
      });
      if (summary.vehiclesSeen > 0) lastListedAt = t;
      for (const v of summary.vehicles) {
        if ((v.slowdown ?? 1) <= 1) continue;
        const seen = slowed.get(v.vin) ?? { passes: 0, largest: 1 };
        slowed.set(v.vin, { passes: seen.passes + 1, largest: Math.max(seen.largest, v.slowdown!) });
      }
    } else if ((t - start) % (10 * MINUTE_MS) === 0) {
      await naivePoll(fleet, vins, stores, history, clock.now());
    }
    for (const [i, vin] of vins.entries()) {
      const minutes = awakeMinutes.get(vin)!;
      const car = sim.car(vin); // advanced to now, as any request would
      if (car.state() === 'online') minutes.polled += 1;
      timelines.get(vin)!.batteryLevel.push(car.batteryLevel);
      timelines.get(vin)!.asleep.push(car.state() === 'asleep');
      if (telemetry !== null && t > start) await telemetry.advance(i, t - MINUTE_MS, t);
      else shadows[i]!.advanceTo(t);
      if (shadows[i]!.state() === 'online') minutes.shadow += 1;
    }
    passes += 1;
  }
  clock.advance(end - clock.now());
  return { passes, wallSeconds: (performance.now() - wallStart) / 1000, awakeMinutes, timelines, slowed, telemetry };
}

function runTitle(o: MonthOptions, run: MonthRun): string {
  const naive = o.policy === 'fixed-10min' ? ', naive poller every 10 minutes' : '';
  const poor = o.poorConnectivity > 0 ? `, ${Math.round(o.poorConnectivity * 100)} % of data requests lost to poor connectivity` : '';
  const driving = o.tuned.drivingIntervalMinutes !== 5 ? `, driving cars read every ${o.tuned.drivingIntervalMinutes} min` : '';
  const streaming = o.standDown ? ', streaming on (the collector stands down for a car that streams)' : o.telemetry ? ', streamed beside' : '';
  return `bench:month — ${o.days} simulated days, ${o.carCount} car(s), ${o.label}${naive}${poor}${driving}${streaming}, ${run.passes} collector passes in ${run.wallSeconds.toFixed(1)} s`;
}

async function main(): Promise<void> {
  const o = await readOptions();
  if (o === null) return console.log(USAGE);
  const start = Date.parse('2026-03-01T00:00:00Z');
  const world = await startBenchWorld({
    start,
    end: start + o.days * DAY_MS,
    carCount: o.carCount,
    profileOf: (i) => o.profiles?.[i] ?? o.profile,
    poorConnectivity: o.poorConnectivity,
  });
  const run = await simulate(world, o);
  const written = { ...world.counts };
  console.log(`\n${runTitle(o, run)}\n`);
  const snapshotsCounted: Snapshot[][] = [];
  let streamedSignals = 0;
  for (const [i, vin] of world.vins.entries()) {
    const carProfile = o.profiles?.[i] ?? o.profile;
    const { sim, stores, history, billing, start, end } = world;
    const report = await reportCar(vin, {
      sim,
      stores,
      history,
      billing,
      start,
      end,
      days: o.days,
      awakeMinutes: run.awakeMinutes,
      timelines: run.timelines,
      carProfile,
      slowed: run.slowed.get(vin) ?? null,
    });
    snapshotsCounted.push(report.snapshots);
    streamedSignals += report.streamedSignals;
    await run.telemetry?.report(i, world.end);
  }
  const { sim } = world;
  const listCalls = sim.billing.total.free - [...sim.billing.byVehicle.values()].reduce((n, v) => n + v.free, 0);
  const { asleepListIntervalMinutes, listCallPricePer1000Usd } = o.tuned;
  console.log(
    `list calls (account)    ${listCalls} in ${run.passes} passes${asleepListIntervalMinutes > 1 ? `, sleeping cars listed every ${asleepListIntervalMinutes} min` : ''}; at $${listCallPricePer1000Usd} per 1,000: $${((listCalls * listCallPricePer1000Usd) / 1000).toFixed(2)} a month, paid from the budget first`,
  );
  console.log(
    `DynamoDB (all cars): ${written.itemsWritten} item writes, ${(written.bytesWritten / 1024).toFixed(0)} KiB written, ${written.requests} requests`,
  );
  const fleetCalls = sim.billing.total.data + sim.billing.total.command + sim.billing.total.wake + sim.billing.total.free;
  printAwsCost({ days: o.days, passes: run.passes, fleetCalls, written, snapshots: snapshotsCounted.flat().length, tokenReads: world.tokenReads() });
  if (run.telemetry) {
    const { outcomes } = run.telemetry;
    console.log(
      `\nstreamed (all cars): ${run.telemetry.records().toLocaleString('en-US')} records (${outcomes.recorded} recorded, ${outcomes.duplicate} copies, ${outcomes.late} late, ${outcomes.unreadable} unreadable), recorder and simulation ${run.telemetry.wallSeconds().toFixed(0)} s of the run`,
    );
    const { wire } = run.telemetry;
    if (wire !== null)
      console.log(
        `on the wire: ${wire.stats.connections} connections, ${wire.stats.acks} acks, ${wire.stats.errors} error answers, ${wire.stats.rateLimited} over the rate limit, ${wire.stats.dispatched} dispatched (connectivity events included), ${wire.unanswered()} records left unacked`,
      );
  }
  // Measured on the simulated stream with --telemetry; else the signal set's estimate.
  printReceiverCost(run.telemetry ? { records: (run.telemetry.records() * 30) / o.days } : { signals: (streamedSignals * 30) / o.days });
  await run.telemetry?.stop();
  await printYearQuery(world);
  await world.stop();
}

/** A year of daily history: one snapshot per day for a year, then the daily query the API makes. */
async function printYearQuery({ stores, counts }: BenchWorld): Promise<void> {
  const yearVin = '5YJ3E7EB0SF200001';
  for (let d = 0; d < 365; d++) {
    await stores.putSnapshot({ vin: yearVin, takenAt: Date.parse('2025-01-01T12:00:00Z') + d * DAY_MS, odometerMi: 1000 + d * 25 } as Snapshot);
  }
  const readBefore = counts.itemsRead;
  const year = await stores.dayRollups(yearVin, '2025-01-01', '2025-12-31');
  console.log(`daily-resolution year query: ${counts.itemsRead - readBefore} items read for ${year.days.length} days (target ≤ 400)\n`);
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
