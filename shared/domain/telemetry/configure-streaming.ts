import { DAY_MS } from '../clock';
import { HOST_NAME } from '../host-name';
import { telemetryFields, type StreamedSignal } from './signal-set';
import type { TelemetryConfig, TelemetryConfigApi } from './telemetry-config';
import { streamingStatus } from './streaming-status';
import type { TelemetryHealth } from './telemetry-health';

/** Where the cars stream to: the receiver's public name and port, and the CA that signed its certificate if private. */
export interface TelemetryReceiver {
  hostname: string;
  port: number;
  ca?: string;
}

export interface ConfigureStreamingDeps {
  telemetry: TelemetryConfigApi;
  /** Signs the configuration with the app's key (a `Tesla.SS256` JWS; see shared/vcp/tesla-jws). */
  sign: (claims: Record<string, unknown>) => string;
  now: () => number;
}

/** A configuration lasts this long; the health check asks for a new one 30 days before it ends. */
export const CONFIG_VALID_DAYS = 365;

export type ConfigureStreamingOutcome = { kind: 'invalid_receiver'; message: string } | { kind: 'sent'; cars: Array<TelemetryHealth & { skipped?: string }> };

/**
 * Sends the cars a streaming configuration for the receiver and signal set, signed with the app's key, then reads
 * each car's configuration back: Tesla answers "updated" even for a car at its third-party limit, which keeps
 * nothing, so only the read tells. Each car comes back with its health (what is wrong and what to do).
 */
export async function configureStreaming(
  deps: ConfigureStreamingDeps,
  vins: readonly string[],
  receiver: TelemetryReceiver,
  signals: readonly StreamedSignal[],
): Promise<ConfigureStreamingOutcome> {
  const problem = receiverProblem(receiver);
  if (problem !== null) return { kind: 'invalid_receiver', message: problem };
  const config: TelemetryConfig = {
    hostname: receiver.hostname,
    port: receiver.port,
    ...(receiver.ca !== undefined ? { ca: receiver.ca } : {}),
    exp: Math.floor((deps.now() + CONFIG_VALID_DAYS * DAY_MS) / 1000),
    fields: telemetryFields(signals),
  };
  const result = await deps.telemetry.createTelemetryConfig([...vins], deps.sign({ ...config }));
  const health = await streamingStatus(deps.telemetry, vins, receiver, deps.now());
  const cars = health.map((car) => {
    const skipped = result.skipped.find((s) => s.vin === car.vin)?.reason;
    return { ...car, ...(skipped !== undefined ? { skipped } : {}) };
  });
  return { kind: 'sent', cars };
}

/** A receiver the car can reach: a public DNS name (not an address or a single label) and a TCP port. */
export function receiverProblem(receiver: TelemetryReceiver): string | null {
  const name = receiver.hostname;
  if (!HOST_NAME.test(name.toLowerCase()))
    return `the receiver's hostname '${name.slice(0, 80)}' is not a public DNS name (the car connects to it by name, under the app's registered domain)`;
  if (!Number.isInteger(receiver.port) || receiver.port < 1 || receiver.port > 65_535) return `the receiver's port ${String(receiver.port)} is not a TCP port`;
  if (receiver.ca !== undefined && !receiver.ca.includes('-----BEGIN CERTIFICATE-----')) return "the receiver's CA is not a PEM certificate";
  return null;
}
