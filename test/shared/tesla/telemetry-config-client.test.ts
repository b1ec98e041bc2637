import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { UnreadableAnswerError } from '../../../shared/domain/fleet-errors';
import { meteredTelemetryConfigApi, RequestMeter } from '../../../shared/domain/request-meter';
import { UndiciFleetApi } from '../../../shared/tesla/undici-fleet-api';

/** The Fleet API's telemetry configuration endpoints, with answers shaped as Tesla documents them. */
const NA = 'https://fleet-api.prd.na.vn.cloud.tesla.com';
const VIN = '5YJ3E7EA3LF760000';
const OTHER = '5YJSA7E21JF230000';
const JSON_HEADERS = { headers: { 'content-type': 'application/json' } };
const tokens = { get: () => Promise.resolve('at-1'), renewAfterRejection: () => Promise.resolve('at-2') };
const CONFIG = { hostname: 'telemetry.example.com', port: 443, exp: 1_900_000_000, fields: { Odometer: { interval_seconds: 60 } }, alert_types: ['service'] };

let agent: MockAgent;
const client = () => new UndiciFleetApi({ baseUrl: NA, tokens, dispatcher: agent });

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  await agent.close();
});

describe('telemetry configuration endpoints', () => {
  it('posts the signed token for the cars, and lists the cars Tesla skipped with the reason', async () => {
    const bodies: string[] = [];
    agent
      .get(NA)
      .intercept({ path: '/api/1/vehicles/fleet_telemetry_config_jws', method: 'POST', body: (b) => (bodies.push(b), true) })
      .reply(
        200,
        { response: { updated_vehicles: 1, skipped_vehicles: { missing_key: [OTHER], unsupported_hardware: [], unsupported_firmware: [], max_configs: [] } } },
        JSON_HEADERS,
      );
    await expect(client().createTelemetryConfig([VIN, OTHER], 'a.b.c')).resolves.toEqual({
      updatedVehicles: 1,
      skipped: [{ vin: OTHER, reason: 'missing_key' }],
    });
    expect(JSON.parse(bodies[0]!)).toEqual({ vins: [VIN, OTHER], token: 'a.b.c' });
  });

  it('reads a car’s configuration, and a null one at the car’s limit', async () => {
    const pool = agent.get(NA);
    pool
      .intercept({ path: `/api/1/vehicles/${VIN}/fleet_telemetry_config`, method: 'GET' })
      .reply(200, { response: { synced: true, config: CONFIG, key_paired: true } }, JSON_HEADERS);
    pool
      .intercept({ path: `/api/1/vehicles/${OTHER}/fleet_telemetry_config`, method: 'GET' })
      .reply(200, { response: { synced: false, config: null, limit_reached: true } }, JSON_HEADERS);
    await expect(client().telemetryConfig(VIN)).resolves.toEqual({ synced: true, config: CONFIG, limitReached: false, keyPaired: true });
    await expect(client().telemetryConfig(OTHER)).resolves.toEqual({ synced: false, config: null, limitReached: true, keyPaired: null });
  });

  it('deletes a car’s configuration, and reads the errors the car reported', async () => {
    const pool = agent.get(NA);
    pool.intercept({ path: `/api/1/vehicles/${VIN}/fleet_telemetry_config`, method: 'DELETE' }).reply(200, { response: { updated_vehicles: 1 } }, JSON_HEADERS);
    pool.intercept({ path: `/api/1/vehicles/${VIN}/fleet_telemetry_errors`, method: 'GET' }).reply(
      200,
      {
        response: {
          fleet_telemetry_errors: [{ name: 'tls_handshake', error: 'remote error: tls: bad certificate', vin: VIN }, 'junk'],
        },
      },
      JSON_HEADERS,
    );
    await expect(client().deleteTelemetryConfig(VIN)).resolves.toEqual({ updatedVehicles: 1 });
    await expect(client().telemetryErrors(VIN)).resolves.toEqual([{ vin: VIN, name: 'tls_handshake', error: 'remote error: tls: bad certificate' }]);
  });

  it('takes an answer without the fields that say what happened as unreadable, never as "none"', async () => {
    const pool = agent.get(NA);
    pool.intercept({ path: `/api/1/vehicles/${VIN}/fleet_telemetry_config`, method: 'GET' }).reply(200, { response: {} }, JSON_HEADERS);
    pool.intercept({ path: `/api/1/vehicles/${VIN}/fleet_telemetry_errors`, method: 'GET' }).reply(200, { response: null }, JSON_HEADERS);
    pool
      .intercept({ path: `/api/1/vehicles/${VIN}/fleet_telemetry_config`, method: 'GET' })
      .reply(200, { response: { synced: true, config: { hostname: 7 } } }, JSON_HEADERS);
    pool.intercept({ path: '/api/1/vehicles/fleet_telemetry_config_jws', method: 'POST' }).reply(200, { response: { skipped_vehicles: {} } }, JSON_HEADERS);
    await expect(client().telemetryConfig(VIN)).rejects.toBeInstanceOf(UnreadableAnswerError);
    await expect(client().telemetryErrors(VIN)).rejects.toBeInstanceOf(UnreadableAnswerError);
    await expect(client().telemetryConfig(VIN)).rejects.toBeInstanceOf(UnreadableAnswerError);
    await expect(client().createTelemetryConfig([VIN], 't')).rejects.toBeInstanceOf(UnreadableAnswerError);
  });

  it('counts each call as a billed data request, a refused one too', async () => {
    const pool = agent.get(NA);
    pool
      .intercept({ path: `/api/1/vehicles/${VIN}/fleet_telemetry_errors`, method: 'GET' })
      .reply(200, { response: { fleet_telemetry_errors: [] } }, JSON_HEADERS);
    pool.intercept({ path: `/api/1/vehicles/${VIN}/fleet_telemetry_config`, method: 'GET' }).reply(404, { error: 'not_found' }, JSON_HEADERS);
    const meter = new RequestMeter();
    const api = meteredTelemetryConfigApi(client(), meter);
    await api.telemetryErrors(VIN);
    await expect(api.telemetryConfig(VIN)).rejects.toThrow();
    expect(meter.byScope.get(VIN)).toMatchObject({ data: 2 });
  });
});
