import type { TelemetryReceiver } from './configure-streaming';
import type { TelemetryConfigApi } from './telemetry-config';
import { telemetryHealth, type TelemetryHealth } from './telemetry-health';

/** Each car's streaming, as Tesla says it is now: its configuration and reported errors, judged against the receiver. */
export async function streamingStatus(
  telemetry: TelemetryConfigApi,
  vins: readonly string[],
  receiver: TelemetryReceiver,
  now: number,
): Promise<TelemetryHealth[]> {
  const cars: TelemetryHealth[] = [];
  for (const vin of vins) {
    const [status, errors] = await Promise.all([telemetry.telemetryConfig(vin), telemetry.telemetryErrors(vin)]);
    cars.push(telemetryHealth(vin, status, errors, receiver, now));
  }
  return cars;
}

/** Stops each car streaming to this app: its configuration is deleted (the car stops within ~25 minutes). */
export async function stopStreaming(telemetry: TelemetryConfigApi, vins: readonly string[]): Promise<Array<{ vin: string; removed: boolean }>> {
  const out = [];
  for (const vin of vins) out.push({ vin, removed: (await telemetry.deleteTelemetryConfig(vin)).updatedVehicles > 0 });
  return out;
}
