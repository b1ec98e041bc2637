import type { Log, VehicleStore } from '../stores';
import type { StreamRecordOutcome } from './record-stream';
import { RFC3339_UTC } from './stream-record';
import type { StreamWatchStore } from './stream-watch';
import { isVin } from '../vehicle';

/**
 * A connectivity event of Tesla's fleet-telemetry server (protos/vehicle_connectivity.proto), as it hands it on
 * decoded: `{"vin":"…","connectionId":"…","status":"CONNECTED","createdAt":"…Z","networkInterface":"wifi"}`. The server
 * makes one when a car's connection opens and when it closes.
 */
export type ParsedConnectivity = { ok: true; vin: string; connected: boolean; at: number } | { ok: false; problem: string };

const STATUS: Record<string, boolean> = { CONNECTED: true, DISCONNECTED: false };

export function parseConnectivityRecord(body: unknown): ParsedConnectivity {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, problem: 'the event is not a JSON object' };
  const { vin, status, createdAt } = body as Record<string, unknown>;
  if (typeof vin !== 'string' || !isVin(vin)) return { ok: false, problem: 'the event has no valid VIN' };
  const connected = typeof status === 'string' ? STATUS[status] : undefined;
  if (connected === undefined) return { ok: false, problem: 'the event has no known status' };
  const at = typeof createdAt === 'string' && RFC3339_UTC.test(createdAt) ? Date.parse(createdAt) : NaN;
  if (!Number.isFinite(at)) return { ok: false, problem: 'the event has no readable createdAt' };
  return { ok: true, vin, connected, at };
}

export interface ConnectivityRecorderDeps {
  watch: Pick<StreamWatchStore, 'recordConnection'>;
  vehicles: Pick<VehicleStore, 'getVehicle'>;
  log: Log;
}

/** Keeps a car's newest connection event (an older one, delivered late, changes nothing). Safe to repeat. */
export async function recordConnectivity(deps: ConnectivityRecorderDeps, body: unknown): Promise<StreamRecordOutcome> {
  const event = parseConnectivityRecord(body);
  if (!event.ok) {
    deps.log.warn('stream: unreadable connectivity event left out', { problem: event.problem });
    return 'unreadable';
  }
  if ((await deps.vehicles.getVehicle(event.vin)) === null) {
    deps.log.warn('stream: connectivity event for a car that is not the owner’s left out', { vin: event.vin });
    return 'unknown_vin';
  }
  await deps.watch.recordConnection(event.vin, { connected: event.connected, at: event.at });
  return 'recorded';
}
