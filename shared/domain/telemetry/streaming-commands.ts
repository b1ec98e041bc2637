import { recordUsage } from '../commands/command-audit';
import { withFleetCallContext } from '../fleet-call-context';
import { meteredTelemetryConfigApi, RequestMeter } from '../request-meter';
import type { Log, UsageLedger, VehicleStore } from '../stores';
import { configureStreaming, type TelemetryReceiver } from './configure-streaming';
import { DEFAULT_SIGNALS } from './signal-set';
import { stopStreaming, streamingStatus } from './streaming-status';
import type { TelemetryConfigApi } from './telemetry-config';
import type { TelemetryHealth } from './telemetry-health';
import type { StreamWatchStore } from './stream-watch';

export interface StreamingDeps {
  telemetry: TelemetryConfigApi;
  /** The deployed receiver: its host name and the CA it made on its first boot; null until that CA exists. */
  receiver(): Promise<TelemetryReceiver | null>;
  /** Signs a configuration with the app's key (`Tesla.SS256`); null when no key was created yet. */
  signer(): Promise<((claims: Record<string, unknown>) => string) | null>;
  vehicles: Pick<VehicleStore, 'listVehicles'>;
  usage: UsageLedger;
  log: Log;
  now(): number;
  /** Whether each car should stream, for the collector to tell one gone silent (see stream-watch.ts). */
  watch?: Pick<StreamWatchStore, 'setConfiguredUntil'>;
  /** The VINs the receiver takes records for (its own check; the recorder checks again). */
  allowlist?: (vins: readonly string[]) => Promise<void>;
  /** What the receiver saw of a car: its newest record and its connection (see stream-watch.ts). */
  activity?: (vin: string) => Promise<StreamActivity>;
}

export interface StreamActivity {
  lastRecordAt: number | null;
  connection: { connected: boolean; at: number } | null;
}

/** A car as GET and PUT /streaming give it: what Tesla says of its configuration, and what the receiver saw of it. */
export type StreamingCar = TelemetryHealth & {
  skipped?: string;
  receiver?: { lastRecordAt: string | null; connected: boolean | null; connectionChangedAt: string | null };
};

export type StreamingAction = 'status' | 'configure' | 'remove';

export type StreamingOutcome =
  | { kind: 'receiver_not_ready' }
  | { kind: 'no_command_key' }
  | { kind: 'no_cars' }
  | { kind: 'invalid_receiver'; message: string }
  /** The receiver's settings (its CA, its VIN allowlist in SSM) could not be read or written: nothing was changed. */
  | { kind: 'receiver_settings_unavailable' }
  | { kind: 'cars'; action: 'status' | 'configure'; receiver: TelemetryReceiver; cars: StreamingCar[] }
  | { kind: 'removed'; cars: Array<{ vin: string; removed: boolean }> };

/** Every Tesla request of one action ends within this (an API request must answer within API Gateway's 30 s). */
export const STREAMING_BUDGET_MS = 25_000;

/**
 * The owner's streaming actions for all their cars: read how each streams, configure them all for the deployed
 * receiver, or stop them. Each Tesla request is billed as a data request and counted in the usage ledger.
 */
export async function runStreaming(deps: StreamingDeps, action: StreamingAction): Promise<StreamingOutcome> {
  const vins = (await deps.vehicles.listVehicles()).map((v) => v.vin);
  if (vins.length === 0) return { kind: 'no_cars' };
  const meter = new RequestMeter();
  const telemetry = meteredTelemetryConfigApi(deps.telemetry, meter);
  const context = { deadline: Date.now() + STREAMING_BUDGET_MS, onRetriedAnswer: meter.record.bind(meter) };
  try {
    return await withFleetCallContext(context, async (): Promise<StreamingOutcome> => {
      if (action === 'remove') {
        // Stopping goes ahead without it: the cars stop streaming within minutes whatever the receiver takes.
        await deps
          .allowlist?.([])
          .catch((error: unknown) => deps.log.warn('streaming: the receiver’s VIN allowlist was not emptied', { error: String(error) }));
        const cars = await stopStreaming(telemetry, vins);
        for (const vin of vins) await deps.watch?.setConfiguredUntil(vin, null);
        return { kind: 'removed', cars };
      }
      const receiver = await settings(deps, () => deps.receiver());
      if (receiver === UNAVAILABLE) return { kind: 'receiver_settings_unavailable' };
      if (receiver === null) return { kind: 'receiver_not_ready' };
      if (action === 'status')
        return { kind: 'cars', action, receiver, cars: await expecting(deps, await streamingStatus(telemetry, vins, receiver, deps.now())) };
      const sign = await deps.signer();
      if (sign === null) return { kind: 'no_command_key' };
      // Before any car is configured: a car's first records must not be refused by the receiver.
      if (deps.allowlist && (await settings(deps, () => deps.allowlist!(vins))) === UNAVAILABLE) return { kind: 'receiver_settings_unavailable' };
      const outcome = await configureStreaming({ telemetry, sign, now: () => deps.now() }, vins, receiver, DEFAULT_SIGNALS);
      return outcome.kind === 'invalid_receiver' ? outcome : { kind: 'cars', action, receiver, cars: await expecting(deps, outcome.cars) };
    });
  } finally {
    await recordUsage(deps, meter, deps.now());
  }
}

/**
 * A car whose configuration names this deployment's receiver should stream until it expires: kept for the collector.
 * A car without one is left as it was (only DELETE /streaming says a car should not stream): a car that lost its
 * configuration to another app is exactly one to be told about.
 */
async function expecting(deps: StreamingDeps, cars: Array<TelemetryHealth & { skipped?: string }>): Promise<StreamingCar[]> {
  for (const car of cars) if (car.expiresAt !== null) await deps.watch?.setConfiguredUntil(car.vin, Date.parse(car.expiresAt));
  return Promise.all(cars.map((car) => withActivity(deps, car)));
}

/** What the receiver saw of the car, beside what Tesla says: a car configured fine may still never have connected. */
async function withActivity(deps: StreamingDeps, car: TelemetryHealth & { skipped?: string }): Promise<StreamingCar> {
  if (!deps.activity) return car;
  const seen = await deps.activity(car.vin);
  const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
  return {
    ...car,
    receiver: { lastRecordAt: iso(seen.lastRecordAt), connected: seen.connection?.connected ?? null, connectionChangedAt: iso(seen.connection?.at) },
  };
}

const UNAVAILABLE = Symbol('unavailable');

/** Reads or writes the receiver's settings (SSM); a failure is logged and answered as such, not thrown. */
async function settings<T>(deps: Pick<StreamingDeps, 'log'>, call: () => Promise<T>): Promise<T | typeof UNAVAILABLE> {
  try {
    return await call();
  } catch (error) {
    deps.log.error('streaming: the receiver’s settings could not be reached', { error: error instanceof Error ? error.message : String(error) });
    return UNAVAILABLE;
  }
}
