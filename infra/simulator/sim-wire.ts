import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from '../../shared/domain/stores';
import { recordReceived, type StreamRecordOutcome, type StreamRecorderDeps } from '../../shared/domain/telemetry/record-stream';
import { kinesisBridge, type RecordSink } from '../../shared/receiver/kinesis-bridge';
import { fleetTelemetryConfig } from '../cdk/receiver-host';
import { RECORD_STREAMS } from '../../shared/domain/telemetry/record-streams';
import { makeCa, makeCarCert, makeServerCert, type Ca, type Pem } from './sim-certs';
import { startSimReceiver, type SimReceiver } from './sim-receiver';
import type { SimStreamRecord } from './sim-stream';
import { TelemetryCarClient, type Answer } from './sim-telemetry-client';

/** The host name the simulated cars' configuration names (the server certificate is made for it). */
export const SIM_RECEIVER_HOST = 'telemetry.sim.invalid';
/** How long a car waits for its record's ack before it holds the record for its next connection. */
export const DELIVER_DEADLINE_MS = 10_000;

/**
 * The stream recorder as the bridge's sink: what its Lambda does with a queued record (the queue between them left
 * out). A failure to store rejects, so the car is not acked. `recorded` hears each outcome, by the stream it came on.
 */
export function recorderSink(deps: StreamRecorderDeps, recorded?: (stream: string, outcome: StreamRecordOutcome) => void): RecordSink {
  return {
    put: async ({ stream, data }) => {
      const outcome = await recordReceived(deps, stream, JSON.parse(data.toString('utf8')) as unknown);
      recorded?.(stream, outcome);
    },
  };
}

/** The deployed fleet-telemetry configuration, its Kinesis dispatcher pointed at a bridge elsewhere than the instance's loopback. */
export function receiverConfigFor(bridgeUrl: string): Record<string, unknown> {
  const config = fleetTelemetryConfig();
  return { ...config, kinesis: { ...(config.kinesis as object), override_host: bridgeUrl } };
}

/**
 * The streaming path as it runs in AWS, on this machine: each simulated car connects over mutual TLS with its own
 * certificate (a test "Tesla" CA) to the stand-in receiver, which runs the deployed configuration and dispatches to
 * the production bridge, whose sink stores the record (the recorder, here; SQS in AWS) before the car is acked.
 * Certificates are made fresh in a temporary folder, removed on close.
 */
export interface SimWire {
  receiver: SimReceiver;
  /** Sends a car's record (connecting the car first if needed) and waits for its answer. */
  deliver(vin: string, record: SimStreamRecord): Promise<Answer>;
  close(): Promise<void>;
}

export async function startSimWire(options: { sink: RecordSink; log: Log; now?: () => number }): Promise<SimWire> {
  const root = mkdtempSync(join(tmpdir(), 'sim-wire-'));
  const bridge = createServer(kinesisBridge({ sink: options.sink, streams: Object.values(RECORD_STREAMS), log: options.log }));
  try {
    await new Promise<void>((resolve) => bridge.listen(0, '127.0.0.1', resolve));
    const teslaCa: Ca = makeCa(root, 'Tesla Issuing CA');
    const serverCa = makeCa(root, 'Simulated receiver CA');
    const serverTls: Pem = makeServerCert(serverCa, SIM_RECEIVER_HOST);
    const bridgeUrl = `http://127.0.0.1:${(bridge.address() as AddressInfo).port}`;
    const started = await startSimReceiver({
      config: receiverConfigFor(bridgeUrl),
      tls: serverTls,
      clientCa: teslaCa.cert,
      log: options.log,
      ...(options.now ? { now: options.now } : {}),
    });
    const cars = new Map<string, TelemetryCarClient>();
    return {
      receiver: started,
      deliver: async (vin, record) => {
        let car = cars.get(vin);
        if (car === undefined) {
          const pem = makeCarCert(teslaCa, vin);
          cars.set(
            vin,
            (car = new TelemetryCarClient({ url: `wss://127.0.0.1:${started.port}/`, vin, ...pem, ca: serverCa.cert, serverName: SIM_RECEIVER_HOST })),
          );
        }
        // (Re)connecting sends the records still held first, as a car does.
        if (!car.open) await car.connect();
        return car.deliver(record, DELIVER_DEADLINE_MS);
      },
      close: async () => {
        for (const car of cars.values()) car.close();
        await started.close();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }

  async function closeAll(): Promise<void> {
    await new Promise((resolve) => bridge.close(resolve));
    rmSync(root, { recursive: true, force: true });
  }
}
