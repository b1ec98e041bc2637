import type { StreamRecorderDeps } from '../../shared/domain/telemetry/record-stream';
import { DEFAULT_SIGNALS, streamFoldOptions } from '../../shared/domain/telemetry/signal-set';
import type { Log } from '../../shared/domain/stores';
import type { FleetSimulator } from '../simulator/fleet-simulator';
import { CarStreamer } from '../simulator/sim-stream';
import { recorderSink, startSimWire } from '../simulator/sim-wire';
import type { LocalData } from './local-data';

/** How often the simulated cars are asked what they stream (the signal set's shortest interval). */
export const LOCAL_STREAM_TICK_MS = 1_000;

/**
 * `npm start -- --stream`: the simulated cars stream the default signal set, every change as a car sends it, on the
 * wire as in AWS: each car over mutual TLS to a stand-in for Tesla's receiver running the deployed configuration,
 * FlatBuffers around protobuf, through the production bridge into the same recorder the stream's Lambda runs, on the
 * local table (the queue between them is left out). A car waits for each record's ack before it sends the next.
 */
export async function localStream(data: LocalData, simulator: FleetSimulator, includeLocation: boolean, log: Log) {
  const deps: StreamRecorderDeps = {
    snapshots: data.stores,
    streamStates: data.streamStates,
    vehicles: data.stores,
    history: data.history,
    includeLocation,
    fold: streamFoldOptions(DEFAULT_SIGNALS),
    log,
    watch: data.streamStates,
  };
  const wire = await startSimWire({ sink: recorderSink(deps), log });
  const streamers = new Map<string, CarStreamer>();
  /** Each car's record for now, if it has one, delivered in order. */
  const tick = async (): Promise<void> => {
    for (const vin of simulator.cars.keys()) {
      // Advanced to now, touching nothing: streaming does not keep a car awake.
      const car = simulator.car(vin);
      let streamer = streamers.get(vin);
      if (streamer === undefined) streamers.set(vin, (streamer = new CarStreamer(car, DEFAULT_SIGNALS)));
      const record = streamer.tick(simulator.clock.now());
      if (record === null) continue;
      const answer = await wire.deliver(vin, record);
      if (answer !== 'acked') log.warn(`streaming: ${vin}'s record was ${answer}`);
    }
  };
  return { tick, stop: () => wire.close() };
}
