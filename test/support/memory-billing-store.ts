import type { BillingSync, SuperchargerBillingStore } from '../../shared/domain/supercharger/billing-store';
import type { TeslaChargingRecord } from '../../shared/domain/supercharger/tesla-charging-record';

export class MemoryBillingStore implements SuperchargerBillingStore {
  readonly syncs = new Map<string, BillingSync>();
  readonly records = new Map<string, TeslaChargingRecord>();

  getBillingSync(vin: string): Promise<BillingSync | null> {
    return Promise.resolve(this.syncs.get(vin) ?? null);
  }
  putBillingSync(vin: string, sync: BillingSync): Promise<void> {
    this.syncs.set(vin, sync);
    return Promise.resolve();
  }
  putTeslaCharges(vin: string, records: readonly TeslaChargingRecord[]): Promise<void> {
    for (const r of records) this.records.set(`${vin}#${r.startAt}#${r.sessionId}`, r);
    return Promise.resolve();
  }
  teslaChargesBetween(vin: string, fromMs: number, toMs: number): Promise<TeslaChargingRecord[]> {
    const list = [...this.records.values()].filter((r) => r.vin === vin && r.startAt >= fromMs && r.startAt <= toMs);
    return Promise.resolve(list.sort((a, b) => a.startAt - b.startAt));
  }
}
