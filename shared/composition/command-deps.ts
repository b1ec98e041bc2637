import { collectorTuning, type CollectorTunable, type Tunables } from '../config/tunables';
import type { Clock } from '../domain/clock';
import type { CommandAuditLog, IdempotencyStore } from '../domain/commands/command-ports';
import { COMMAND_TIMEOUT_MS, type SignedSender } from '../domain/commands/execute-command';
import type { FleetApi } from '../domain/fleet-api';
import type { HistoryStore } from '../domain/history/history-store';
import type { SuperchargerBillingStore } from '../domain/supercharger/billing-store';
import type { PlaceStore } from '../domain/places/place';
import type { RateLimitMemory } from '../domain/rate-limit-memory';
import type { SigningStatusStore } from '../domain/signing-status';
import type { Log, SnapshotStore, UsageLedger, VehicleStore } from '../domain/stores';
import type { ApiDeps } from '../http/api-deps';
import type { CommandKey } from '../vcp/command-key';

/**
 * What the API and the automation runner need (reading history, sending commands), built the same way in AWS and by
 * the local host: only the adapters differ.
 */
export function composeCommandDeps(parts: {
  stores: VehicleStore & SnapshotStore & UsageLedger;
  history: HistoryStore;
  /** Tesla's Supercharger records, shown with DC sessions. */
  billing?: SuperchargerBillingStore;
  /** Named places and their tariffs. */
  places?: PlaceStore;
  commands: CommandAuditLog & IdempotencyStore & SigningStatusStore & RateLimitMemory;
  fleet: FleetApi;
  clock: Clock;
  log: Log;
  tunables: Pick<Tunables, 'monthlyBudgetUsd' | 'pricePerKwh' | 'allowedCommands' | 'mapTileUrl' | CollectorTunable>;
  /** Waits between checks of a waking car. */
  sleep: (ms: number) => Promise<void>;
  commandKey: () => Promise<CommandKey | null>;
  signed: SignedSender;
  pairingUrl?: () => string | null;
}): ApiDeps {
  const { stores, history, commands, tunables } = parts;
  return {
    vehicles: stores,
    snapshots: stores,
    history,
    ...(parts.billing ? { billing: parts.billing } : {}),
    ...(parts.places ? { places: parts.places } : {}),
    usage: stores,
    monthlyBudgetUsd: tunables.monthlyBudgetUsd,
    pricePerKwh: tunables.pricePerKwh,
    mapTileUrl: tunables.mapTileUrl,
    // As the collector budgets with it: `/usage` prices list calls the same way.
    listCallPriceUsd: collectorTuning(tunables).listCallPriceUsd,
    historyCallPriceUsd: collectorTuning(tunables).historyCallPriceUsd,
    fleet: parts.fleet,
    clock: parts.clock,
    log: parts.log,
    allowedCommands: tunables.allowedCommands,
    audit: commands,
    idempotency: commands,
    signing: commands,
    rateLimits: commands,
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
    sleep: parts.sleep,
    commandKey: parts.commandKey,
    signed: parts.signed,
    ...(parts.pairingUrl ? { pairingUrl: parts.pairingUrl } : {}),
  };
}
