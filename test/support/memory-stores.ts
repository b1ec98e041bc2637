import { InvalidCursorError } from '../../shared/store/invalid-cursor-error';
import type { Snapshot } from '../../shared/domain/snapshot';
import type { SnapshotPage, SnapshotQuery, SnapshotStore, VehicleRecord, VehicleStore } from '../../shared/domain/stores';

/** In-memory stores for unit tests of code above the storage port. */
export class MemoryStores implements VehicleStore, SnapshotStore {
  readonly vehicles = new Map<string, VehicleRecord>();
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
  putSnapshot(snapshot: Snapshot): Promise<void> {
    this.snapshots.set(`${snapshot.vin}#${snapshot.takenAt}`, structuredClone(snapshot));
    return Promise.resolve();
  }
  latestSnapshot(vin: string): Promise<Snapshot | null> {
    const mine = this.of(vin);
    return Promise.resolve(mine[mine.length - 1] ?? null);
  }
  snapshotsBetween(vin: string, query: SnapshotQuery): Promise<SnapshotPage> {
    const all = this.of(vin).filter((s) => s.takenAt >= query.fromMs && s.takenAt <= query.toMs);
    const start = query.cursor ? Number(query.cursor) : 0;
    if (!Number.isInteger(start) || start < 0) return Promise.reject(new InvalidCursorError());
    const items = all.slice(start, start + query.limit);
    return Promise.resolve({ items, cursor: start + query.limit < all.length ? String(start + query.limit) : null });
  }
  private of(vin: string): Snapshot[] {
    return [...this.snapshots.values()].filter((s) => s.vin === vin).sort((a, b) => a.takenAt - b.takenAt);
  }
}
