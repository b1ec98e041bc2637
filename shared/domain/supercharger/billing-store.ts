import type { TeslaChargingRecord } from './tesla-charging-record';

/** Where the charging history was last read, and whether Tesla refused it. */
export interface BillingSync {
  lastReadAt: number | null;
  /** Tesla refused the read (a scope the login lacks, or an account without the endpoint); tried again later. */
  refused: { code: string; message: string; at: number } | null;
  /** When the collector last looked whether a session awaits its bill (at most once an hour; see billing-pass). */
  lookedAt?: number;
}

/** Tesla's Supercharger records per car, and the state of reading them. */
export interface SuperchargerBillingStore {
  getBillingSync(vin: string): Promise<BillingSync | null>;
  putBillingSync(vin: string, sync: BillingSync): Promise<void>;
  /** Keeps records (a record's key is its start and Tesla's id: storing one again replaces it, as fees settle). */
  putTeslaCharges(vin: string, records: readonly TeslaChargingRecord[]): Promise<void>;
  /** Records that started from `fromMs` to `toMs`, oldest first. */
  teslaChargesBetween(vin: string, fromMs: number, toMs: number): Promise<TeslaChargingRecord[]>;
}
