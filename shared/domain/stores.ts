import type { DayRollup } from './odometer-history';
import type { PollingMemory } from './polling-policy';
import type { RequestCounts } from './billing';
import type { Snapshot } from './snapshot';
import type { VehicleOnlineState } from './vehicle';

/** What the system remembers of each car between runs: identity, last state, and the polling policy's memory. */
export interface VehicleRecord {
  vin: string;
  displayName: string | null;
  state: VehicleOnlineState;
  /**
   * The state the vehicle list last gave (`state` also turns `asleep` after a 408): a change of it is a state change
   * in the car's history. Absent in records written before it was kept.
   */
  listedState?: VehicleOnlineState;
  /** When the collector last heard of the car (ms). */
  lastSeenAt: number;
  /** `takenAt` of the newest stored snapshot (ms). */
  lastSnapshotAt: number | null;
  polling: PollingMemory;
  /** What needs the owner, from the last failed read (cleared by the next snapshot): e.g. a missing scope. */
  problem?: VehicleProblem | null;
  /** A car that should stream has been online and silent since then (see telemetry/stream-watch.ts). */
  streamSilentSince?: number | null;
}

export interface VehicleProblem {
  code: 'missing_scope' | 'refused' | 'unreadable_answer' | 'stale_data' | 'streaming_silent';
  message: string;
  since: number;
  /** With missing_scope: the scopes the request needed. */
  scopes?: string[];
}

export interface VehicleStore {
  listVehicles(): Promise<VehicleRecord[]>;
  getVehicle(vin: string): Promise<VehicleRecord | null>;
  putVehicle(record: VehicleRecord): Promise<void>;
}

export interface SnapshotPage {
  items: Snapshot[];
  /** Opaque; pass back to read the next page. Null on the last page. */
  cursor: string | null;
}

export interface SnapshotQuery {
  fromMs: number;
  toMs: number;
  limit: number;
  cursor?: string | null;
  /** Newest first (and paged backwards); default oldest first. */
  newestFirst?: boolean;
}

export interface SnapshotStore {
  /** Idempotent: writing a snapshot with the same vin and takenAt twice leaves one item. Keeps the day rollup current. */
  /** `raw` is the whole `vehicle_data` answer, kept (compressed, with the same expiry) so views can be derived again. */
  putSnapshot(snapshot: Snapshot, raw?: unknown): Promise<void>;
  /** Day rollups with fromDate ≤ date ≤ toDate (YYYY-MM-DD), and the last day with data before fromDate. */
  dayRollups(vin: string, fromDate: string, toDate: string): Promise<{ days: DayRollup[]; before: DayRollup | null }>;
  latestSnapshot(vin: string): Promise<Snapshot | null>;
  /** fromMs ≤ takenAt ≤ toMs, oldest first unless the query asks newest first. */
  snapshotsBetween(vin: string, query: SnapshotQuery): Promise<SnapshotPage>;
}

/** Billable Fleet requests per vehicle (or ACCOUNT_SCOPE) per month ("2026-11"). */
export interface UsageLedger {
  addUsage(scope: string, month: string, counts: RequestCounts): Promise<void>;
  getUsage(scope: string, month: string): Promise<RequestCounts>;
}

/** The part of a structured logger the domain uses (Powertools' Logger fits it). */
export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}
