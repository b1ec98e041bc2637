import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
const SECOND_MS = 1000;
import { pagesOf } from '../../shared/domain/history/history-page';
import { recordStateChange } from '../../shared/domain/history/history-recorder';
import type { Snapshot } from '../../shared/domain/snapshot';
import { recordStreamRecord, type StreamRecordOutcome, type StreamRecorderDeps } from '../../shared/domain/telemetry/record-stream';
import { RECORD_STREAMS } from '../../shared/domain/telemetry/record-streams';
import { DEFAULT_SIGNALS, SIGNAL_PRICE_USD, streamFoldOptions } from '../../shared/domain/telemetry/signal-set';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { DynamoDbStreamStates } from '../../shared/store/dynamodb-stream-states';
import { startLocalDynamo } from '../local/dynalite-server';
import type { DriveProfile } from '../simulator/drive-profile';
import { activityAt } from '../simulator/drive-profile';
import type { SimCar } from '../simulator/sim-car';
import { CarStreamer, type SimStreamRecord } from '../simulator/sim-stream';
import { recorderSink, startSimWire } from '../simulator/sim-wire';
import { driveAccuracy } from './drive-accuracy';
import { historyAccuracy } from './history-accuracy';

/**
 * `bench:month --telemetry`: each car's unpolled shadow streams the default signal set, second by second while it is
 * awake, into the production recorder on a table of its own; the history derived from the stream is then measured
 * against the car's truth, beside polling's.
 */
export async function startTelemetry(cars: Array<{ shadow: SimCar; profile: DriveProfile; anchor: number }>, start: number, options: { wire?: boolean } = {}) {
  const dynamo = await startLocalDynamo({ tableName: 'stream' });
  const doc = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
  const stores = new DynamoDbStores({ client: doc, tableName: 'stream', snapshotRetentionDays: 400 });
  const history = new DynamoDbHistoryStore({ client: doc, tableName: 'stream' });
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const streamStates = new DynamoDbStreamStates({ client: doc, tableName: 'stream' });
  const deps: StreamRecorderDeps = {
    snapshots: stores,
    streamStates,
    vehicles: stores,
    history,
    includeLocation: true,
    fold: streamFoldOptions(DEFAULT_SIGNALS),
    log: quiet,
    watch: streamStates,
  };
  for (const { shadow } of cars)
    await stores.putVehicle({ vin: shadow.vin, displayName: null, state: 'online', lastSeenAt: start, lastSnapshotAt: null, polling: {} as never });
  const streamers = cars.map(({ shadow }) => new CarStreamer(shadow, DEFAULT_SIGNALS));
  const outcomes: Record<StreamRecordOutcome, number> = { recorded: 0, duplicate: 0, late: 0, unreadable: 0, unknown_vin: 0 };
  /**
   * With --wire each record goes the way it goes in AWS, over mutual TLS to the stand-in receiver and through the
   * bridge, and the car waits for its ack; otherwise straight to the recorder.
   */
  // The bench runs simulated time far faster than real time: the receiver's rate limit counts the cars' time.
  let simulatedNow = start;
  const wire = options.wire
    ? await startSimWire({
        now: () => simulatedNow,
        sink: recorderSink(deps, (stream, outcome) => {
          if (stream === RECORD_STREAMS.V) outcomes[outcome] += 1;
        }),
        log: quiet,
      })
    : null;
  const unanswered = { count: 0 };
  const deliver = async (vin: string, record: SimStreamRecord): Promise<void> => {
    if (wire === null) outcomes[await recordStreamRecord(deps, record)] += 1;
    else if ((await wire.deliver(vin, record)) !== 'acked') unanswered.count += 1;
  };
  let wallMs = 0;

  /**
   * Moves car `i` on to `to`, ticking its streamer each second it may be awake. A car asleep through a plain parking
   * that lasts past `to` sends nothing and is moved there at once.
   */
  async function advance(i: number, from: number, to: number): Promise<void> {
    const began = performance.now();
    const { shadow, profile, anchor } = cars[i]!;
    await listedState(i, from);
    const planned = activityAt(profile, anchor, from, start);
    if (shadow.state() !== 'online' && planned.until >= to && planned.activity.kind === 'park' && planned.activity.hold === null) {
      shadow.advanceTo(to);
    } else {
      for (let t = from + SECOND_MS; t <= to; t += SECOND_MS) {
        shadow.advanceTo(t);
        simulatedNow = t;
        const record = streamers[i]!.tick(t);
        if (record !== null) await deliver(shadow.vin, record);
      }
    }
    wallMs += performance.now() - began;
  }

  /**
   * With streaming on the collector still lists the cars every minute (free) and keeps each change of a car's listed
   * state in the history, on the same table as the stream: it is what bounds a drive that began before its car's
   * first record (a car that set off as it woke).
   */
  const listed = new Map<number, string>();
  async function listedState(i: number, at: number): Promise<void> {
    const state = cars[i]!.shadow.state();
    const before = listed.get(i);
    listed.set(i, state);
    if (before === undefined || before === state) return;
    await recordStateChange(history, { vin: cars[i]!.shadow.vin, at, state, since: at - 60_000 });
  }

  /** What the stream gave for car `i`, against the truth. */
  async function report(i: number, end: number): Promise<void> {
    const { shadow } = cars[i]!;
    const streamer = streamers[i]!;
    const range = { fromMs: start, toMs: end, limit: 100_000 };
    const snapshots: Snapshot[] = [];
    for await (const page of pagesOf((cursor) => stores.snapshotsBetween(shadow.vin, { ...range, cursor }))) snapshots.push(...page);
    const drives = (await history.listDrives(shadow.vin, range)).items;
    const charges = (await history.listCharges(shadow.vin, range)).items;
    const { trips, chargeSessions } = shadow.truth;
    const parked = driveAccuracy(trips, snapshots, { at: start, odometerMi: trips[0]?.startOdometerMi ?? 20_000 }, end);
    const derived = historyAccuracy(trips, chargeSessions, drives, charges, end);
    console.log(`  — streamed (Fleet Telemetry, the default signal set; the same car unpolled) —`);
    console.log(
      `  stream                 ${streamer.records.toLocaleString('en-US')} records, ${streamer.signals.toLocaleString('en-US')} signals, $${(streamer.signals * SIGNAL_PRICE_USD).toFixed(2)} (Tesla); minutes kept awake: 0 (nothing polls it)`,
    );
    console.log(`  parkings observed      ${parked.parkingsObserved} / ${parked.parkings} (target: all)`);
    console.log(
      `  drives derived         ${derived.drivesDerived} for ${derived.drivesDriven} driven: ${derived.drivesMatched} one to one, ${derived.tripsMerged} trips merged; ${derived.drivesFlagged} flagged "may hide stops"`,
    );
    console.log(
      `  drive times            start off by ${(derived.startErrorMinutes.median * 60).toFixed(0)} s (median), ${(derived.startErrorMinutes.largest * 60).toFixed(0)} s at most; end ${(derived.endErrorMinutes.median * 60).toFixed(0)} s, ${(derived.endErrorMinutes.largest * 60).toFixed(0)} s at most (target ≤ 60 s); bounds missed ${derived.boundsMissed}`,
    );
    console.log(
      `  drive distance, energy ${derived.largestDistanceErrorMi.toFixed(3)} mi largest error; energy ${(derived.energyErrorShare.median * 100).toFixed(1)} % off (median), ${(derived.energyErrorShare.largest * 100).toFixed(1)} % at most`,
    );
    console.log(`  route points           ${routePoints(snapshots, trips).toFixed(1)} per drive (median)`);
    console.log(
      `  charging sessions      ${derived.sessionsDerived} derived, ${derived.sessionsMatched} matched of ${derived.sessionsCharged} charged; kWh error ${(derived.largestKwhErrorShare * 100).toFixed(1)} % largest`,
    );
  }

  return {
    advance,
    report,
    /** Each car's streamed state, for a collector that leaves a streaming car to the stream (--stand-down). */
    streamStates,
    outcomes,
    wallSeconds: () => wallMs / 1000,
    records: () => streamers.reduce((n, s) => n + s.records, 0),
    signals: () => streamers.reduce((n, s) => n + s.signals, 0),
    /** With --wire: the records sent over the wire and not acked, and the receiver's own counts. */
    wire: wire === null ? null : { unanswered: () => unanswered.count, stats: wire.receiver.stats },
    stop: async () => {
      await wire?.close();
      await dynamo.stop();
    },
  };
}

export type Telemetry = Awaited<ReturnType<typeof startTelemetry>>;

/** Positions the car sent while each closed trip was under way (each new one a point of the route), per drive (median). */
function routePoints(snapshots: readonly Snapshot[], trips: ReadonlyArray<{ startAt: number; endAt: number | null }>): number {
  const points: Snapshot[] = [];
  for (const s of snapshots) {
    const last = points[points.length - 1];
    if (s.location !== null && (last === undefined || last.location!.latitude !== s.location.latitude || last.location!.longitude !== s.location.longitude))
      points.push(s);
  }
  const counts = trips
    .filter((t) => t.endAt !== null)
    .map((t) => points.filter((s) => s.takenAt >= t.startAt && s.takenAt <= t.endAt!).length)
    .sort((a, b) => a - b);
  return counts.length === 0 ? 0 : counts[Math.floor(counts.length / 2)]!;
}
