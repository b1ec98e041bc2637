import { deriveKeepingReadings, recordHistory } from '../history/history-recorder';
import type { HistoryStore } from '../history/history-store';
import type { Log, SnapshotStore, VehicleStore } from '../stores';
import { afterPolledReading, foldStreamRecord, type StreamCarState, type StreamFoldOptions } from './stream-fold';
import { recordConnectivity } from './record-connectivity';
import { RECORD_STREAMS } from './record-streams';
import { parseStreamRecord } from './stream-record';
import { STREAMING_FRESH_MS, type StreamWatchStore } from './stream-watch';

/** Each car's streamed fields so far, kept between records. */
export interface StreamStateStore {
  getStreamState(vin: string): Promise<StreamCarState | null>;
  /** Never moves a car's state back: a state older than the stored one is not written. */
  putStreamState(state: StreamCarState): Promise<void>;
}

export interface StreamRecorderDeps {
  snapshots: SnapshotStore;
  streamStates: StreamStateStore;
  /** The owner's cars: a record for any other VIN is refused. */
  vehicles: Pick<VehicleStore, 'getVehicle'>;
  history?: HistoryStore;
  includeLocation: boolean;
  /** The configured intervals of the edge fields (from the signal set the cars were configured with). */
  fold: StreamFoldOptions;
  log: Log;
  /** Where the receiver's connectivity events go (see stream-watch.ts). */
  watch?: Pick<StreamWatchStore, 'recordConnection'>;
}

/** Records what the receiver passed on, by the stream it names: vehicle data, or a connectivity event. */
export async function recordReceived(deps: StreamRecorderDeps, stream: string | undefined, body: unknown): Promise<StreamRecordOutcome> {
  if (stream !== RECORD_STREAMS.connectivity) return recordStreamRecord(deps, body);
  if (deps.watch === undefined) return 'unreadable';
  return recordConnectivity({ watch: deps.watch, vehicles: deps.vehicles, log: deps.log }, body);
}

/**
 * - `recorded`: stored as a snapshot (with the record itself) and folded into the history;
 * - `duplicate`: a copy of a record already stored (the car sent it again), nothing to do;
 * - `late`: older than a record already folded and not stored, left out (see StreamFold);
 * - `unreadable`: not a record this system can read — it is not data, and sending it again will not change that;
 * - `unknown_vin`: not one of the owner's cars.
 */
export type StreamRecordOutcome = 'recorded' | 'duplicate' | 'late' | 'unreadable' | 'unknown_vin';

/**
 * Records one vehicle-data record from the stream, in the order the car sent it. Safe to repeat for one record
 * (a redelivery, or a process that died part way): the snapshot is keyed by the car's time, history records by their
 * start, and the car's streamed state is written last, so a repeat folds the same record onto the same state.
 */
export async function recordStreamRecord(deps: StreamRecorderDeps, body: unknown): Promise<StreamRecordOutcome> {
  const parsed = parseStreamRecord(body);
  if (!parsed.ok) {
    deps.log.warn('stream: unreadable record left out', { problem: parsed.problem });
    return 'unreadable';
  }
  const { record } = parsed;
  if ((await deps.vehicles.getVehicle(record.vin)) === null) {
    deps.log.warn('stream: record for a car that is not the owner’s left out', { vin: record.vin });
    return 'unknown_vin';
  }
  const fold = foldStreamRecord(await carriedState(deps, record.vin, record.createdAt), record, deps.fold);
  if (fold.kind === 'late') {
    // A car sends a record again when its ack was lost: past the queue's five-minute deduplication it comes in late,
    // and is only a copy of what is stored.
    if (await stored(deps.snapshots, record.vin, record.createdAt)) return 'duplicate';
    deps.log.warn('stream: record older than one already recorded left out', { vin: record.vin, createdAt: new Date(record.createdAt).toISOString() });
    return 'late';
  }
  const { snapshots, state } = fold;
  if (!deps.includeLocation) {
    for (const snapshot of snapshots) snapshot.location = null;
    for (const name of Object.keys(state.fields)) if (POSITION_FIELD.test(name)) delete state.fields[name];
  }
  for (const [i, snapshot] of snapshots.entries()) {
    const own = i === snapshots.length - 1;
    // The record is kept with its own snapshot; an edge snapshot (the state before, see EDGE_FIELDS) has none.
    await deps.snapshots.putSnapshot(snapshot, own ? (deps.includeLocation ? body : withoutLocation(body)) : undefined);
    const { history } = deps;
    if (history) await deriveKeepingReadings(deps.log, 'stream', snapshot.vin, () => recordHistory(history, snapshot));
  }
  await deps.streamStates.putStreamState(state);
  return 'recorded';
}

/**
 * The car's streamed state, brought up to a reading the collector polled since (see afterPolledReading). The collector
 * reads a car only after STREAMING_FRESH_MS without a record, so only a record after such a silence looks for one.
 */
async function carriedState(deps: StreamRecorderDeps, vin: string, at: number): Promise<StreamCarState | null> {
  const state = await deps.streamStates.getStreamState(vin);
  if (state === null || at - state.at <= STREAMING_FRESH_MS) return state;
  const latest = await deps.snapshots.latestSnapshot(vin);
  const polled = latest !== null && latest.source !== 'stream' && latest.takenAt > state.at && latest.takenAt <= at;
  return polled ? afterPolledReading(state, latest) : state;
}

async function stored(snapshots: SnapshotStore, vin: string, at: number): Promise<boolean> {
  return (await snapshots.snapshotsBetween(vin, { fromMs: at, toMs: at, limit: 1 })).items.length > 0;
}

/** Fields that place the car (Location, GpsHeading, the route's destination): kept only with location on. */
const POSITION_FIELD = /Location|Gps|Heading|Destination|Route/;

function withoutLocation(body: unknown): unknown {
  const record = body as { data: Array<{ key: string }> };
  return { ...record, data: record.data.filter((d) => !POSITION_FIELD.test(d.key)) };
}
