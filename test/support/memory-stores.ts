import { InvalidCursorError } from '../../shared/domain/invalid-cursor-error';
import type { Snapshot } from '../../shared/domain/snapshot';
import { rollupsFromSnapshots, type DayRollup } from '../../shared/domain/odometer-history';
import { addCounts, emptyCounts, type RequestCounts } from '../../shared/domain/request-meter';
import type { StreamStateStore } from '../../shared/domain/telemetry/record-stream';
import type { StreamCarState } from '../../shared/domain/telemetry/stream-fold';
import type { SnapshotPage, SnapshotQuery, SnapshotStore, UsageLedger, VehicleRecord, VehicleStore } from '../../shared/domain/stores';

/** In-memory stores for unit tests of code above the storage port. */
export class MemoryStores implements VehicleStore, SnapshotStore, UsageLedger {
  readonly vehicles = new Map<string, VehicleRecord>();
  readonly usage = new Map<string, RequestCounts>();
  readonly snapshots = new Map<string, Snapshot>();

  listVehicles(): Promise<VehicleRecord[]> {
    return Promise.resolve([...this.vehicles.values()]);
  }
  getVehicle(vin: string): Promise<VehicleRecord | null> {
    return Promise.resolve(this.vehicles.get(vin) ?? null);
  }
  putVehicle(record: VehicleRecord): Promise<void> {
    this.vehicles.set(record.vin, structuredClone(record));
    return Promise.resolve();
  }
  /** The raw answers stored with snapshots, by vin#takenAt. */
  readonly raw = new Map<string, unknown>();
  putSnapshot(snapshot: Snapshot, raw?: unknown): Promise<void> {
    this.snapshots.set(`${snapshot.vin}#${snapshot.takenAt}`, structuredClone(snapshot));
    if (raw !== undefined) this.raw.set(`${snapshot.vin}#${snapshot.takenAt}`, structuredClone(raw));
    return Promise.resolve();
  }
  latestSnapshot(vin: string): Promise<Snapshot | null> {
    const mine = this.of(vin);
    return Promise.resolve(mine[mine.length - 1] ?? null);
  }
  snapshotsBetween(vin: string, query: SnapshotQuery): Promise<SnapshotPage> {
    const inRange = this.of(vin).filter((s) => s.takenAt >= query.fromMs && s.takenAt <= query.toMs);
    const all = query.newestFirst ? inRange.reverse() : inRange;
    const start = query.cursor ? Number(query.cursor) : 0;
    if (!Number.isInteger(start) || start < 0) return Promise.reject(new InvalidCursorError());
    const items = all.slice(start, start + query.limit);
    return Promise.resolve({ items, cursor: start + query.limit < all.length ? String(start + query.limit) : null });
  }
  dayRollups(vin: string, fromDate: string, toDate: string): Promise<{ days: DayRollup[]; before: DayRollup | null }> {
    const all = rollupsFromSnapshots(this.of(vin));
    const before = all.filter((d) => d.date < fromDate);
    return Promise.resolve({ days: all.filter((d) => d.date >= fromDate && d.date <= toDate), before: before[before.length - 1] ?? null });
  }
  addUsage(scope: string, month: string, counts: RequestCounts): Promise<void> {
    this.usage.set(`${scope}#${month}`, addCounts(this.usage.get(`${scope}#${month}`) ?? emptyCounts(), counts));
    return Promise.resolve();
  }
  getUsage(scope: string, month: string): Promise<RequestCounts> {
    return Promise.resolve({ ...(this.usage.get(`${scope}#${month}`) ?? emptyCounts()) });
  }
  private of(vin: string): Snapshot[] {
    return [...this.snapshots.values()].filter((s) => s.vin === vin).sort((a, b) => a.takenAt - b.takenAt);
  }
}

/** Each car's streamed state, as the table keeps it: never moved back. */
export class MemoryStreamStates implements StreamStateStore {
  readonly states = new Map<string, StreamCarState>();
  getStreamState(vin: string): Promise<StreamCarState | null> {
    return Promise.resolve(structuredClone(this.states.get(vin) ?? null));
  }
  putStreamState(state: StreamCarState): Promise<void> {
    const stored = this.states.get(state.vin);
    if (stored === undefined || stored.at <= state.at) this.states.set(state.vin, structuredClone(state));
    return Promise.resolve();
  }
}
