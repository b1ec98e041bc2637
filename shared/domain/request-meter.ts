import { monthKey, type RequestCounts } from './billing';
import type { BillingCategory, FleetApi } from './fleet-api';
import { FleetApiError } from './fleet-errors';
import type { UsageLedger } from './stores';
import type { TelemetryConfigApi } from './telemetry/telemetry-config';

/** Requests by billing category (defined with the prices, in billing). */
export type { RequestCounts } from './billing';

export function emptyCounts(): RequestCounts {
  return { data: 0, command: 0, wake: 0, free: 0, history: 0 };
}

export function addCounts(a: RequestCounts, b: RequestCounts): RequestCounts {
  return { data: a.data + b.data, command: a.command + b.command, wake: a.wake + b.wake, free: a.free + b.free, history: (a.history ?? 0) + (b.history ?? 0) };
}

/** Account-wide calls (the vehicle list) are kept under this scope. */
export const ACCOUNT_SCOPE = 'ACCOUNT';

/**
 * Counts Fleet requests by billing category, in total and per vehicle. Tesla bills every answer with a status
 * below 500, errors included (a 408 costs as much as data), so a failure counts unless Tesla never answered or
 * answered 5xx.
 */
export class RequestMeter {
  readonly counts: RequestCounts = emptyCounts();
  readonly byScope = new Map<string, RequestCounts>();

  record(category: BillingCategory, scope: string, error?: unknown): void {
    if (error instanceof FleetApiError && (error.status === 0 || error.status >= 500)) return;
    this.counts[category] += 1;
    const counts = this.byScope.get(scope) ?? emptyCounts();
    counts[category] += 1;
    this.byScope.set(scope, counts);
  }

  /** Adds what was counted to the ledger under the month of `at`. */
  async saveTo(ledger: UsageLedger, at: number): Promise<void> {
    const month = monthKey(at);
    await Promise.all([...this.byScope].map(([scope, counts]) => ledger.addUsage(scope, month, counts)));
  }
}

/** Runs a call and records it on `meter` under its billing category and scope, answered or failed. */
function countedOn(meter: RequestMeter) {
  return async <T>(category: BillingCategory, scope: string, call: () => Promise<T>): Promise<T> => {
    try {
      const value = await call();
      meter.record(category, scope);
      return value;
    } catch (error) {
      meter.record(category, scope, error);
      throw error;
    }
  };
}

/** Wraps a FleetApi so that every call is recorded on `meter` under its billing category and vehicle. */
export function meteredFleetApi(inner: FleetApi, meter: RequestMeter): FleetApi {
  const counted = countedOn(meter);
  return {
    listVehicles: () => counted('free', ACCOUNT_SCOPE, () => inner.listVehicles()),
    getVehicle: (vin) => counted('free', vin, () => inner.getVehicle(vin)),
    getVehicleData: (vin, options) => counted('data', vin, () => inner.getVehicleData(vin, options)),
    wakeUp: (vin) => counted('wake', vin, () => inner.wakeUp(vin)),
    sendCommand: (vin, command, body) => counted('command', vin, () => inner.sendCommand(vin, command, body)),
    signedCommand: (vin, message) => counted('command', vin, () => inner.signedCommand(vin, message)),
    fleetStatus: (vins) => counted('data', vins.length === 1 ? vins[0]! : ACCOUNT_SCOPE, () => inner.fleetStatus(vins)),
    chargingHistoryPage: (vin, range, page) => counted('history', vin, () => inner.chargingHistoryPage(vin, range, page)),
    chargingInvoice: (vin, invoiceId) => counted('history', vin, () => inner.chargingInvoice(vin, invoiceId)),
  };
}

/** The telemetry configuration endpoints, each counted as data (Tesla lists no price of their own). */
export function meteredTelemetryConfigApi(inner: TelemetryConfigApi, meter: RequestMeter): TelemetryConfigApi {
  const counted = countedOn(meter);
  const scope = (vins: string[]): string => (vins.length === 1 ? vins[0]! : ACCOUNT_SCOPE);
  return {
    createTelemetryConfig: (vins, token) => counted('data', scope(vins), () => inner.createTelemetryConfig(vins, token)),
    telemetryConfig: (vin) => counted('data', vin, () => inner.telemetryConfig(vin)),
    deleteTelemetryConfig: (vin) => counted('data', vin, () => inner.deleteTelemetryConfig(vin)),
    telemetryErrors: (vin) => counted('data', vin, () => inner.telemetryErrors(vin)),
  };
}
