import type { Clock } from './clock';
import { mapWithConcurrency } from './concurrency';
import type { FleetApi } from './fleet-api';
import { FleetApiError, RateLimitedError, VehicleUnavailableError } from './fleet-errors';
import { afterFailure, afterSnapshot, decidePoll, INITIAL_MEMORY, type PollDecision, type PollFailure } from './polling-policy';
import { meteredFleetApi, RequestMeter, type RequestCounts } from './request-meter';
import { snapshotFromVehicleData } from './snapshot';
import type { Log, SnapshotStore, VehicleRecord, VehicleStore } from './stores';
import type { VehicleSummary } from './vehicle';

export interface CollectorDeps {
  fleet: FleetApi;
  vehicles: VehicleStore;
  snapshots: SnapshotStore;
  clock: Clock;
  log: Log;
  includeLocation: boolean;
  /** Cars handled at once. */
  concurrency?: number;
}

export interface VehicleOutcome {
  vin: string;
  state: VehicleSummary['state'];
  decision: PollDecision['action'] | 'failed';
  reason: string;
  snapshotWritten: boolean;
  odometerMi?: number | null;
}

export interface CollectorSummary {
  startedAt: string;
  vehiclesSeen: number;
  snapshotsWritten: number;
  /** Fleet requests this pass made, by billing category. */
  requests: RequestCounts;
  vehicles: VehicleOutcome[];
}

/**
 * One collector pass: list the account's cars (free), and for each car let the polling policy decide whether
 * a billed `vehicle_data` request is worth it. A car's failure is recorded in its outcome and never stops the
 * others; only failing to list the cars fails the pass.
 */
export async function runCollectorPass(deps: CollectorDeps): Promise<CollectorSummary> {
  const meter = new RequestMeter();
  const fleet = meteredFleetApi(deps.fleet, meter);
  const startedAt = deps.clock.now();
  const cars = await fleet.listVehicles();
  const outcomes = await mapWithConcurrency(cars, deps.concurrency ?? 4, (car) => collectOne({ ...deps, fleet }, car));
  return {
    startedAt: new Date(startedAt).toISOString(),
    vehiclesSeen: cars.length,
    snapshotsWritten: outcomes.filter((o) => o.snapshotWritten).length,
    requests: { ...meter.counts },
    vehicles: outcomes,
  };
}

async function collectOne(deps: CollectorDeps, car: VehicleSummary): Promise<VehicleOutcome> {
  const now = deps.clock.now();
  const previous = await deps.vehicles.getVehicle(car.vin);
  const step = decidePoll(previous?.polling ?? INITIAL_MEMORY, car.state, now);
  const record: VehicleRecord = {
    vin: car.vin,
    displayName: car.displayName,
    state: car.state,
    lastSeenAt: now,
    lastSnapshotAt: previous?.lastSnapshotAt ?? null,
    polling: step.memory,
  };
  const base = { vin: car.vin, state: car.state, snapshotWritten: false };

  if (step.decision.action === 'skip') {
    await deps.vehicles.putVehicle(record);
    return { ...base, decision: 'skip', reason: step.decision.reason };
  }

  try {
    const data = await deps.fleet.getVehicleData(car.vin, { includeLocation: deps.includeLocation });
    const snapshot = snapshotFromVehicleData(car.vin, data, deps.clock.now());
    if (!deps.includeLocation) snapshot.location = null;
    await deps.snapshots.putSnapshot(snapshot);
    await deps.vehicles.putVehicle({
      ...record,
      lastSnapshotAt: Math.max(snapshot.takenAt, record.lastSnapshotAt ?? 0),
      polling: afterSnapshot(record.polling, snapshot, now),
    });
    return { ...base, decision: 'fetch', reason: 'online', snapshotWritten: true, odometerMi: snapshot.odometerMi };
  } catch (error) {
    const failure = classifyFailure(error);
    deps.log.warn('collector: vehicle failed', { vin: car.vin, error: describe(error) });
    const memory = failure ? afterFailure(record.polling, failure, now) : record.polling;
    const state = error instanceof VehicleUnavailableError ? 'asleep' : record.state;
    await deps.vehicles.putVehicle({ ...record, state, polling: memory });
    return { ...base, state, decision: 'failed', reason: describe(error) };
  }
}

function classifyFailure(error: unknown): PollFailure | null {
  if (error instanceof VehicleUnavailableError) return { kind: 'unavailable' };
  if (error instanceof RateLimitedError) return { kind: 'rate_limited', retryAfterMs: error.retryAfterSeconds * 1000 };
  if (error instanceof FleetApiError && (error.status === 0 || error.status >= 500)) return { kind: 'server_error' };
  return null;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}
