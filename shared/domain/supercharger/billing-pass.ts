import { MINUTE_MS, type Clock } from '../clock';
import type { FleetApi } from '../fleet-api';
import type { HistoryStore } from '../history/history-store';
import type { Log } from '../stores';
import type { VehicleSummary } from '../vehicle';
import type { SuperchargerBillingStore } from './billing-store';
import { syncSuperchargerBilling } from './sync-billing';

/**
 * Each car's Supercharger bills are looked at once an hour, in a minute of the hour its VIN picks (so cars spread
 * out): a look is one or two table reads, and Tesla is asked only when a DC session awaits its bill. A failure is
 * logged and never fails the collector's pass.
 */
export async function syncBillingOfCars(
  deps: { fleet: FleetApi; history?: HistoryStore; billing?: SuperchargerBillingStore; superchargerCosts?: boolean; clock: Clock; log: Log },
  cars: readonly VehicleSummary[],
  now: number,
): Promise<void> {
  const { billing, history } = deps;
  if (!billing || !history || deps.superchargerCosts === false) return;
  for (const car of cars) {
    if (Math.floor(now / MINUTE_MS) % 60 !== billingMinute(car.vin)) continue;
    try {
      const outcome = await syncSuperchargerBilling({ fleet: deps.fleet, history, billing, clock: deps.clock }, car.vin);
      if (outcome.read) deps.log.info('collector: charging history read', { vin: car.vin, ...outcome });
    } catch (error) {
      deps.log.warn('collector: charging history failed', { vin: car.vin, error: error instanceof Error ? error.name : 'unknown' });
    }
  }
}

/** The minute of the hour (0–59) at which a car's bills are looked at. */
export function billingMinute(vin: string): number {
  let h = 0;
  for (const c of vin) h = (h * 31 + c.charCodeAt(0)) % 3600;
  return h % 60;
}
