import { collectorTuning, type CollectorTunable, type Tunables } from '../config/tunables';
import type { Clock } from '../domain/clock';
import type { CollectorDeps } from '../domain/collector';
import type { FleetApi } from '../domain/fleet-api';
import type { HistoryStore } from '../domain/history/history-store';
import type { SuperchargerBillingStore } from '../domain/supercharger/billing-store';
import type { ListingMemoryStore } from '../domain/list-policy';
import type { Log, SnapshotStore, UsageLedger, VehicleStore } from '../domain/stores';
import type { StreamStateStore } from '../domain/telemetry/record-stream';
import type { StreamWatchStore } from '../domain/telemetry/stream-watch';

/**
 * What a collector pass needs, built the same way by the Lambda, the local host and the benchmark, so that what the
 * bench measures and the local host runs is what AWS runs. Each passes its own adapters; the tuning is the settings'.
 */
export function composeCollectorDeps(parts: {
  fleet: FleetApi;
  stores: VehicleStore & SnapshotStore & UsageLedger & ListingMemoryStore;
  history: HistoryStore;
  clock: Clock;
  log: Log;
  tunables: Pick<Tunables, 'includeLocation' | 'monthlyBudgetUsd' | CollectorTunable>;
  grantedScopes?: CollectorDeps['grantedScopes'];
  billing?: SuperchargerBillingStore;
  onReading?: CollectorDeps['onReading'];
  /**
   * With streaming on: each car's streamed state (the collector leaves a streaming car to the stream) and its watch
   * (a car that should stream and does not is flagged).
   */
  streamStates?: Pick<StreamStateStore, 'getStreamState'> & Pick<StreamWatchStore, 'getStreamWatch'>;
}): CollectorDeps {
  const { fleet, stores, history, clock, log, tunables, grantedScopes, onReading, billing, streamStates } = parts;
  return {
    fleet,
    vehicles: stores,
    snapshots: stores,
    history,
    usage: stores,
    listing: stores,
    clock,
    log,
    includeLocation: tunables.includeLocation,
    monthlyBudgetUsd: tunables.monthlyBudgetUsd,
    ...collectorTuning(tunables),
    ...(grantedScopes ? { grantedScopes } : {}),
    ...(onReading ? { onReading } : {}),
    ...(billing ? { billing } : {}),
    ...(streamStates
      ? {
          streamedAt: async (vin: string) => (await streamStates.getStreamState(vin))?.at ?? null,
          streamWatch: (vin: string) => streamStates.getStreamWatch(vin),
        }
      : {}),
  };
}
