import type { Clock } from '../../shared/domain/clock';
import { DEFAULT_ALLOWED_COMMANDS } from '../../shared/domain/commands/catalogue';
import type { FleetApi } from '../../shared/domain/fleet-api';
import type { Log, SnapshotStore, UsageLedger, VehicleStore } from '../../shared/domain/stores';
import type { CommandAuditLog, IdempotencyStore } from '../../shared/domain/commands/command-ports';
import type { HistoryStore } from '../../shared/domain/history/history-store';
import type { RateLimitMemory } from '../../shared/domain/rate-limit-memory';
import type { SigningStatusStore } from '../../shared/domain/signing-status';
import type { ApiDeps } from '../../shared/http/api-deps';
import { FakeFleetApi } from './fake-fleet-api';
import { MemoryCommandStores } from './memory-command-stores';
import { MemoryHistoryStore } from './memory-history-store';
import { MemoryStores } from './memory-stores';

const QUIET: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * What the API needs, on the in-memory stores and a fake Fleet API: the tests' one composition, each giving only
 * what it sets apart (a clock, a fleet with faults, a log to read).
 */
export function memoryApiDeps(
  parts: {
    stores?: VehicleStore & SnapshotStore & UsageLedger;
    history?: HistoryStore;
    commands?: CommandAuditLog & IdempotencyStore & SigningStatusStore & RateLimitMemory;
    fleet?: FleetApi;
    clock?: Clock;
    log?: Log;
  } & Partial<ApiDeps> = {},
): ApiDeps {
  const {
    stores = new MemoryStores(),
    history = new MemoryHistoryStore(),
    commands = new MemoryCommandStores(),
    fleet = new FakeFleetApi(),
    clock = { now: () => Date.parse('2026-06-15T12:00:00Z') },
    log = QUIET,
    ...rest
  } = parts;
  return {
    vehicles: stores,
    snapshots: stores,
    history,
    usage: stores,
    monthlyBudgetUsd: 10,
    audit: commands,
    idempotency: commands,
    signing: commands,
    rateLimits: commands,
    commandTimeoutMs: 22_000,
    sleep: () => Promise.resolve(),
    fleet,
    clock,
    log,
    allowedCommands: DEFAULT_ALLOWED_COMMANDS,
    ...rest,
  };
}
