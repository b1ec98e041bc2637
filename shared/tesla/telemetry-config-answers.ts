import type { TelemetryConfig, TelemetryConfigResult, TelemetryConfigStatus, TelemetryError } from '../domain/telemetry/telemetry-config';
import { UnreadableAnswerError } from '../domain/fleet-errors';

/**
 * Reads the answers of the Fleet API's telemetry configuration endpoints. An answer without the fields that say what
 * happened is unreadable (never taken as "no configuration" or "no errors": that would tell an owner all is well).
 */

const responseOf = (body: unknown, what: string): Record<string, unknown> => {
  const response = (body as { response?: unknown } | null)?.response;
  if (typeof response !== 'object' || response === null || Array.isArray(response)) throw new UnreadableAnswerError(`${what} answer without a response`, 200);
  return response as Record<string, unknown>;
};

export function parseTelemetryConfigResult(body: unknown): TelemetryConfigResult {
  const response = responseOf(body, 'fleet_telemetry_config_jws');
  if (typeof response.updated_vehicles !== 'number') throw new UnreadableAnswerError('fleet_telemetry_config_jws answer without updated_vehicles', 200);
  const skipped: TelemetryConfigResult['skipped'] = [];
  const byReason = response.skipped_vehicles;
  if (typeof byReason === 'object' && byReason !== null && !Array.isArray(byReason)) {
    for (const [reason, vins] of Object.entries(byReason as Record<string, unknown>)) {
      if (Array.isArray(vins)) for (const vin of vins) if (typeof vin === 'string') skipped.push({ vin, reason });
    }
  }
  return { updatedVehicles: response.updated_vehicles, skipped };
}

export function parseTelemetryConfigStatus(body: unknown): TelemetryConfigStatus {
  const response = responseOf(body, 'fleet_telemetry_config');
  if (typeof response.synced !== 'boolean' || !('config' in response))
    throw new UnreadableAnswerError('fleet_telemetry_config answer without synced and config', 200);
  const config = response.config;
  if (config !== null && !isConfig(config)) throw new UnreadableAnswerError('fleet_telemetry_config answer with a config that is not one', 200);
  return {
    synced: response.synced,
    config,
    limitReached: response.limit_reached === true,
    keyPaired: typeof response.key_paired === 'boolean' ? response.key_paired : null,
  };
}

export function parseTelemetryDelete(body: unknown): { updatedVehicles: number } {
  const response = responseOf(body, 'fleet_telemetry_config delete');
  if (typeof response.updated_vehicles !== 'number') throw new UnreadableAnswerError('fleet_telemetry_config delete answer without updated_vehicles', 200);
  return { updatedVehicles: response.updated_vehicles };
}

export function parseTelemetryErrors(body: unknown, vin: string): TelemetryError[] {
  const errors = responseOf(body, 'fleet_telemetry_errors').fleet_telemetry_errors;
  if (!Array.isArray(errors)) throw new UnreadableAnswerError('fleet_telemetry_errors answer without the list', 200);
  return errors.flatMap((e: unknown) => {
    if (typeof e !== 'object' || e === null) return [];
    const { name, error, vin: of } = e as Record<string, unknown>;
    return typeof name === 'string' || typeof error === 'string'
      ? [{ vin: typeof of === 'string' ? of : vin, name: typeof name === 'string' ? name : '', error: typeof error === 'string' ? error : '' }]
      : [];
  });
}

function isConfig(value: unknown): value is TelemetryConfig {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return typeof c.hostname === 'string' && typeof c.port === 'number' && typeof c.exp === 'number' && typeof c.fields === 'object' && c.fields !== null;
}
