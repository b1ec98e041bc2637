import { verifyTeslaJws, TELEMETRY_AUDIENCE } from '../../shared/vcp/tesla-jws';
import type { SimCar } from './sim-car';
import { envelopeError, type Reply } from './sim-oauth-routes';

/**
 * The Fleet API's telemetry configuration endpoints, as the reference describes them: a configuration is taken only
 * as a `Tesla.SS256` JWS the app's registered key signed, for cars that key is paired with; a car at its limit of
 * third-party configurations drops it silently (`config: null`, `limit_reached`); a car takes it (`synced`) once it
 * is next seen online. Each answer is billed as data.
 */
export class SimTelemetryConfigs {
  private readonly configs = new Map<string, { config: Record<string, unknown>; synced: boolean }>();
  /** Cars whose third-party configurations are all taken (set by a test or a profile). */
  readonly atLimit = new Set<string>();

  constructor(
    private readonly cars: ReadonlyMap<string, SimCar>,
    private readonly paired: (vin: string) => boolean,
    private readonly appKey: () => Buffer | null,
  ) {}

  /** The configuration a car holds for the app (what it would stream by), or null. */
  configOf(vin: string): Record<string, unknown> | null {
    return this.configs.get(vin)?.config ?? null;
  }

  reply(method: string, path: string, raw: string, now: number): Reply | null {
    if (path === '/api/1/vehicles/fleet_telemetry_config_jws' && method === 'POST') return this.create(raw);
    const match = /^\/api\/1\/vehicles\/([^/]+)\/(fleet_telemetry_config|fleet_telemetry_errors)$/.exec(path);
    if (!match) return null;
    const car = this.cars.get(decodeURIComponent(match[1]!));
    if (!car) return { status: 404, body: envelopeError('not_found') };
    const vin = car.vin;
    if (match[2] === 'fleet_telemetry_errors' && method === 'GET')
      return { status: 200, body: { response: { fleet_telemetry_errors: [] } }, category: 'data', vin };
    if (method === 'DELETE') {
      const had = this.configs.delete(vin);
      return { status: 200, body: { response: { updated_vehicles: had ? 1 : 0 } }, category: 'data', vin };
    }
    if (method !== 'GET') return { status: 405, body: envelopeError('method not allowed') };
    const held = this.configs.get(vin);
    car.advanceTo(now);
    if (held && !held.synced && car.state() === 'online') held.synced = true;
    const body = { synced: held?.synced ?? false, config: held?.config ?? null, limit_reached: this.atLimit.has(vin), key_paired: this.paired(vin) };
    return { status: 200, body: { response: body }, category: 'data', vin };
  }

  private create(raw: string): Reply {
    let request: { vins?: unknown; token?: unknown };
    try {
      request = JSON.parse(raw) as typeof request;
    } catch {
      request = {};
    }
    const { vins, token } = request;
    if (!Array.isArray(vins) || vins.length === 0 || !vins.every((v) => typeof v === 'string') || typeof token !== 'string')
      return { status: 400, body: envelopeError('give vins (a list of VINs) and token (the signed configuration)'), category: 'data' };
    const key = this.appKey();
    const claims = key === null ? null : verifyTeslaJws(token, key);
    if (claims === null || claims.aud !== TELEMETRY_AUDIENCE)
      return { status: 400, body: envelopeError('invalid token: not signed by the application’s registered key'), category: 'data' };
    const { iss: _iss, aud: _aud, ...config } = claims;
    const skipped = { missing_key: [] as string[], unsupported_hardware: [] as string[], unsupported_firmware: [] as string[], max_configs: [] as string[] };
    let updated = 0;
    for (const vin of vins) {
      if (!this.cars.has(vin) || !this.paired(vin)) skipped.missing_key.push(vin);
      else {
        updated += 1;
        // At the limit Tesla keeps nothing and says nothing: the car's config reads null afterwards.
        if (!this.atLimit.has(vin)) this.configs.set(vin, { config, synced: false });
      }
    }
    return {
      status: 200,
      body: { response: { updated_vehicles: updated, skipped_vehicles: skipped } },
      category: 'data',
      vin: vins.length === 1 ? vins[0] : null,
    };
  }
}
