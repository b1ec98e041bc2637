import { MINUTE_MS } from '../clock';
import type { VehicleProblem } from '../stores';

/**
 * What the system knows of a car's streaming besides its records: whether the car should stream (it took this app's
 * configuration, until its expiry) and its connection to the receiver (fleet-telemetry's connectivity events).
 */
export interface StreamWatch {
  vin: string;
  /** The car holds this app's configuration until then (ms); null when it should not stream (never set up, or stopped). */
  configuredUntil: number | null;
  /** The receiver's newest connectivity event for the car. */
  connection: { connected: boolean; at: number } | null;
}

export interface StreamWatchStore {
  getStreamWatch(vin: string): Promise<StreamWatch | null>;
  setConfiguredUntil(vin: string, until: number | null): Promise<void>;
  /** Never replaces a newer event. */
  recordConnection(vin: string, connection: { connected: boolean; at: number }): Promise<void>;
}

/**
 * A car that streamed a record this recently is streaming: the collector leaves it to the stream. Longer silence
 * (a receiver down, a configuration lost or expired) and the car is polled again, as without streaming. A car parked
 * online sends its range or temperature as they change, so a quarter of an hour without any record is unusual.
 */
export const STREAMING_FRESH_MS = 15 * MINUTE_MS;

/** A car online this long without connecting to the receiver is silent: it connects within seconds of waking. */
export const SILENT_AFTER_MS = 15 * MINUTE_MS;
/**
 * A car the receiver counts as connected that sent nothing for this long while online is silent too (a receiver
 * process gone without telling): an awake car's range changes stream every few minutes, even parked under sentry.
 */
export const CONNECTED_QUIET_MS = 60 * MINUTE_MS;

export interface StreamSilence {
  problem: VehicleProblem | null;
  /** Since when the car has been online and silent (carried between passes until it is long enough to tell). */
  silentSince: number | null;
}

const WHAT_TO_DO = 'GET /streaming says what the car reports, and `npm run doctor` checks the receiver; polling covers the car meanwhile';

/**
 * Why a car that should stream does not, if it does not: the configuration expired, or the car has been online for
 * SILENT_AFTER_MS without connecting (a certificate problem, the car's limit of third-party configurations, the
 * receiver down), or connected yet sending nothing for CONNECTED_QUIET_MS. Only a car listed online is judged: an
 * asleep car streams nothing by design. Pure.
 */
export function streamSilence(
  watch: StreamWatch | null,
  car: { listedOnline: boolean; lastRecordAt: number | null; silentSince: number | null },
  now: number,
): StreamSilence {
  const until = watch?.configuredUntil ?? null;
  if (until === null || !car.listedOnline) return { problem: null, silentSince: null };
  if (now >= until) {
    const day = new Date(until).toISOString().slice(0, 10);
    return {
      problem: { code: 'streaming_silent', message: `its streaming configuration expired on ${day}: PUT /streaming renews it`, since: until },
      silentSince: null,
    };
  }
  const connected = watch?.connection?.connected === true;
  const quietSince = Math.max(car.lastRecordAt ?? 0, watch?.connection?.at ?? 0);
  if (connected && now - quietSince < CONNECTED_QUIET_MS) return { problem: null, silentSince: null };
  const silentSince = car.silentSince ?? (connected ? quietSince : now);
  if (now - silentSince < (connected ? CONNECTED_QUIET_MS : SILENT_AFTER_MS)) return { problem: null, silentSince };
  const message = connected
    ? `connected to the receiver but has streamed nothing for ${Math.round((now - silentSince) / MINUTE_MS)} min while online: ${WHAT_TO_DO}`
    : `online for ${Math.round((now - silentSince) / MINUTE_MS)} min without connecting to the receiver: ${WHAT_TO_DO}`;
  return { problem: { code: 'streaming_silent', message, since: silentSince }, silentSince };
}
