import { MINUTE_MS, type Clock } from '../clock';
import type { FleetApi } from '../fleet-api';
import type { HistoryStore } from '../history/history-store';
import type { Log } from '../stores';
import type { VehicleSummary } from '../vehicle';
import type { SuperchargerBillingStore } from './billing-store';
import { syncSuperchargerBilling } from './sync-billing';

/** How often a car is looked at: whether one of its sessions awaits its bill. */
export const LOOK_EVERY_MS = 60 * MINUTE_MS;

/**
 * Each car's Supercharger bills are looked at once an hour, counted from its last look (kept with its sync state), so
 * the look happens whatever the collector's rate and however many passes skip listing the cars: a look is one or two
 * table reads, and Tesla is asked only when a DC session awaits its bill. Between looks a pass costs one table read
 * per car. A failure is logged and never fails the collector's pass.
 */
export async function syncBillingOfCars(
  deps: { fleet: FleetApi; history?: HistoryStore; billing?: SuperchargerBillingStore; superchargerCosts?: boolean; clock: Clock; log: Log },
  cars: readonly VehicleSummary[],
  now: number,
): Promise<void> {
  const { billing, history } = deps;
  if (!billing || !history || deps.superchargerCosts === false) return;
  for (const car of cars) {
    try {
      const sync = await billing.getBillingSync(car.vin);
      if (sync?.lookedAt !== undefined && now - sync.lookedAt < LOOK_EVERY_MS) continue;
      await billing.putBillingSync(car.vin, { lastReadAt: null, refused: null, ...sync, lookedAt: now });
      const outcome = await syncSuperchargerBilling({ fleet: deps.fleet, history, billing, clock: deps.clock }, car.vin);
      if (outcome.read) deps.log.info('collector: charging history read', { vin: car.vin, ...outcome });
    } catch (error) {
      deps.log.warn('collector: charging history failed', { vin: car.vin, error: error instanceof Error ? error.name : 'unknown' });
    }
  }
}
