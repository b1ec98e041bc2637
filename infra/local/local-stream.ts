import { recordStreamRecord, type StreamRecorderDeps } from '../../shared/domain/telemetry/record-stream';
import { DEFAULT_SIGNALS, streamFoldOptions } from '../../shared/domain/telemetry/signal-set';
import type { Log } from '../../shared/domain/stores';
import type { FleetSimulator } from '../simulator/fleet-simulator';
import { CarStreamer } from '../simulator/sim-stream';
import type { LocalData } from './local-data';

/** How often the simulated cars are asked what they stream (the signal set's shortest interval). */
export const LOCAL_STREAM_TICK_MS = 1_000;

/**
 * `npm start -- --stream`: the simulated cars stream the default signal set, every change as a car sends it, into the
 * same recorder the stream's Lambda runs, on the local table. There is no receiver here: the records go straight to
 * the recorder, in the decoded form fleet-telemetry hands its dispatchers (no mutual TLS, no FlatBuffers envelope).
 */
export function localStream(data: LocalData, simulator: FleetSimulator, includeLocation: boolean, log: Log) {
  const deps: StreamRecorderDeps = {
    snapshots: data.stores,
    streamStates: data.streamStates,
    vehicles: data.stores,
    history: data.history,
    includeLocation,
    fold: streamFoldOptions(DEFAULT_SIGNALS),
    log,
  };
  const streamers = new Map<string, CarStreamer>();
  /** Each car's record for now, if it has one, recorded in order. */
  const tick = async (): Promise<void> => {
    for (const vin of simulator.cars.keys()) {
      // Advanced to now, touching nothing: streaming does not keep a car awake.
      const car = simulator.car(vin);
      let streamer = streamers.get(vin);
      if (streamer === undefined) streamers.set(vin, (streamer = new CarStreamer(car, DEFAULT_SIGNALS)));
      const record = streamer.tick(simulator.clock.now());
      if (record !== null) await recordStreamRecord(deps, record);
    }
  };
  return { tick };
}
