import type { BillingCategory, FleetApi } from './fleet-api';
import { FleetApiError } from './fleet-errors';

export type RequestCounts = Record<BillingCategory, number>;

export function emptyCounts(): RequestCounts {
  return { data: 0, command: 0, wake: 0, free: 0 };
}

/**
 * Counts Fleet requests by billing category. Tesla bills every answer with a status below 500, errors
 * included (a 408 costs as much as data), so a failure counts unless Tesla never answered or answered 5xx.
 */
export class RequestMeter {
  readonly counts: RequestCounts = emptyCounts();

  record(category: BillingCategory, error?: unknown): void {
    if (error instanceof FleetApiError && (error.status === 0 || error.status >= 500)) return;
    this.counts[category] += 1;
  }
}

/** Wraps a FleetApi so that every call is recorded on `meter` under its billing category. */
export function meteredFleetApi(inner: FleetApi, meter: RequestMeter): FleetApi {
  const counted = async <T>(category: BillingCategory, call: () => Promise<T>): Promise<T> => {
    try {
      const value = await call();
      meter.record(category);
      return value;
    } catch (error) {
      meter.record(category, error);
      throw error;
    }
  };
  return {
    listVehicles: () => counted('free', () => inner.listVehicles()),
    getVehicle: (vin) => counted('free', () => inner.getVehicle(vin)),
    getVehicleData: (vin, options) => counted('data', () => inner.getVehicleData(vin, options)),
    wakeUp: (vin) => counted('wake', () => inner.wakeUp(vin)),
    sendCommand: (vin, command, body) => counted('command', () => inner.sendCommand(vin, command, body)),
  };
}
