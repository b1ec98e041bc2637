import type { PollingMemory } from './polling-policy';
import type { Snapshot } from './snapshot';
import type { VehicleOnlineState } from './vehicle';

/** What the system remembers of each car between runs: identity, last state, and the polling policy's memory. */
export interface VehicleRecord {
  vin: string;
  displayName: string | null;
  state: VehicleOnlineState;
  /** When the collector last heard of the car (ms). */
  lastSeenAt: number;
  /** `takenAt` of the newest stored snapshot (ms). */
  lastSnapshotAt: number | null;
  polling: PollingMemory;
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
}

export interface SnapshotStore {
  /** Idempotent: writing a snapshot with the same vin and takenAt twice leaves one item. */
  putSnapshot(snapshot: Snapshot): Promise<void>;
  latestSnapshot(vin: string): Promise<Snapshot | null>;
  /** Oldest first, fromMs ≤ takenAt ≤ toMs. */
  snapshotsBetween(vin: string, query: SnapshotQuery): Promise<SnapshotPage>;
}

/** The part of a structured logger the domain uses (Powertools' Logger fits it). */
export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}
