import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CommandSigningRequiredError,
  RateLimitedError,
  RequestNotSentError,
  UnexpectedFleetResponseError,
  UnreadableAnswerError,
  VehicleUnavailableError,
  WrongRegionError,
} from '../../../shared/domain/fleet-errors';
import { withFleetCallContext } from '../../../shared/domain/fleet-call-context';
import { UndiciFleetApi } from '../../../shared/tesla/undici-fleet-api';
import type { AccessTokenProvider } from '../../../shared/tokens/ports';
import { teslaFixture } from '../../support/fixtures';

const NA = 'https://fleet-api.prd.na.vn.cloud.tesla.com';
const EU = 'https://fleet-api.prd.eu.vn.cloud.tesla.com';
const VIN = '5YJ3E7EA3LF760000';
const JSON_HEADERS = { headers: { 'content-type': 'application/json' } };

class CountingTokens implements AccessTokenProvider {
  renewals: string[] = [];
  token = 'at-1';
  get(): Promise<string> {
    return Promise.resolve(this.token);
  }
  renewAfterRejection(rejected: string): Promise<string> {
    this.renewals.push(rejected);
    this.token = `at-${this.renewals.length + 1}`;
    return Promise.resolve(this.token);
  }
}

let agent: MockAgent;
let tokens: CountingTokens;
let regionChanges: string[];
const client = (baseUrl = NA) => new UndiciFleetApi({ baseUrl, tokens, dispatcher: agent, onRegionChange: (url) => regionChanges.push(url) });

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  tokens = new CountingTokens();
  regionChanges = [];
});
afterEach(async () => {
  await agent.close();
});

describe('UndiciFleetApi', () => {
  it('lists vehicles from a real Fleet answer, sending the bearer token', async () => {
    agent
      .get(NA)
      .intercept({ path: '/api/1/vehicles', method: 'GET', headers: { authorization: 'Bearer at-1' } })
      .reply(200, teslaFixture('vehicles_list.teslalogger-fleet-2024-models-online-model3-asleep.json'), JSON_HEADERS);
    await expect(client().listVehicles()).resolves.toEqual([
      { vin: '5YJSA7E21JF230000', displayName: 'Teslarossa', state: 'online' },
      { vin: '5YJ3E7EA3LF760000', displayName: 'Tessi', state: 'asleep' },
    ]);
  });

  it('asks vehicle_data for location only when told to', async () => {
    const paths: string[] = [];
    agent
      .get(NA)
      .intercept({ path: (p) => (paths.push(p), p.startsWith(`/api/1/vehicles/${VIN}/vehicle_data`)), method: 'GET' })
      .reply(200, teslaFixture('vehicle_data.ha-tesla_fleet-model3-online-parked.json'), JSON_HEADERS)
      .times(2);
    const data = (await client().getVehicleData(VIN, { includeLocation: false })) as { vehicle_state: { odometer: number } };
    expect(data.vehicle_state.odometer).toBe(6481.019282);
    await client().getVehicleData(VIN, { includeLocation: true });
    expect(decodeURIComponent(paths[0]!)).not.toContain('location_data');
    expect(decodeURIComponent(paths[1]!)).toContain('location_data');
  });

  it('reads command results in either key order, and failures as result false', async () => {
    agent
      .get(NA)
      .intercept({ path: `/api/1/vehicles/${VIN}/command/door_lock`, method: 'POST' })
      .reply(200, teslaFixture('command_result.timdorr-door_lock-success.json'), JSON_HEADERS);
    agent
      .get(NA)
      .intercept({ path: `/api/1/vehicles/${VIN}/command/charge_max_range`, method: 'POST' })
      .reply(200, teslaFixture('command_result.timdorr-charge_max_range-already_max_range.json'), JSON_HEADERS);
    await expect(client().sendCommand(VIN, 'door_lock', {})).resolves.toEqual({ result: true, reason: '' });
    await expect(client().sendCommand(VIN, 'charge_max_range', {})).resolves.toEqual({ result: false, reason: 'already_max_range' });
  });

  it('maps 408 (asleep) to VehicleUnavailableError', async () => {
    agent
      .get(NA)
      .intercept({ path: /vehicle_data/, method: 'GET' })
      .reply(408, teslaFixture('error_408.alibad-docs-ownerapi-vehicle-unavailable-asleep.json'));
    await expect(client().getVehicleData(VIN, { includeLocation: false })).rejects.toBeInstanceOf(VehicleUnavailableError);
  });

  it('maps 429 with Retry-After, and with only the "Retry in N seconds" body', async () => {
    agent
      .get(NA)
      .intercept({ path: /vehicle_data/, method: 'GET' })
      .reply(429, 'Retry in 17 seconds', { headers: { 'retry-after': '42' } });
    agent
      .get(NA)
      .intercept({ path: /vehicle_data/, method: 'GET' })
      .reply(429, 'Retry in 17 seconds');
    await expect(client().getVehicleData(VIN, { includeLocation: false })).rejects.toMatchObject({ retryAfterSeconds: 42 });
    const error = await client()
      .getVehicleData(VIN, { includeLocation: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ retryAfterSeconds: 17 });
  });

  it('recognises the "Vehicle Command Protocol required" refusal', async () => {
    agent
      .get(NA)
      .intercept({ path: /command\/door_lock/, method: 'POST' })
      .reply(403, teslaFixture('error_403.teslalogger-docs-vehicle-command-protocol-required.json'));
    await expect(client().sendCommand(VIN, 'door_lock', {})).rejects.toBeInstanceOf(CommandSigningRequiredError);
  });

  it('renews the token once after a 401 and retries with the new one', async () => {
    agent
      .get(NA)
      .intercept({ path: '/api/1/vehicles', method: 'GET', headers: { authorization: 'Bearer at-1' } })
      .reply(401, '');
    agent
      .get(NA)
      .intercept({ path: '/api/1/vehicles', method: 'GET', headers: { authorization: 'Bearer at-2' } })
      .reply(200, '{"response":[],"count":0}', JSON_HEADERS);
    await expect(client().listVehicles()).resolves.toEqual([]);
    expect(tokens.renewals).toEqual(['at-1']);
  });

  it('counts the billed answers it retried itself: a 401 before a renewal, a 421 before a region move', async () => {
    const retried: string[] = [];
    const context = { onRetriedAnswer: (category: string, scope: string) => retried.push(`${category}:${scope}`) };
    agent
      .get(NA)
      .intercept({ path: `/api/1/vehicles/${VIN}/command/door_lock`, method: 'POST', headers: { authorization: 'Bearer at-1' } })
      .reply(401, '');
    agent
      .get(NA)
      .intercept({ path: `/api/1/vehicles/${VIN}/command/door_lock`, method: 'POST' })
      .reply(200, teslaFixture('command_result.timdorr-door_lock-success.json'), JSON_HEADERS);
    await withFleetCallContext(context, () => client().sendCommand(VIN, 'door_lock', {}));
    agent
      .get(EU)
      .intercept({ path: (p) => p.startsWith(`/api/1/vehicles/${VIN}/vehicle_data`), method: 'GET' })
      .reply(421, teslaFixture('error_421.vehicle-command-inet-go-comment-user-out-of-region.json'));
    agent
      .get(NA)
      .intercept({ path: (p) => p.startsWith(`/api/1/vehicles/${VIN}/vehicle_data`), method: 'GET' })
      .reply(200, teslaFixture('vehicle_data.ha-tesla_fleet-model3-online-parked.json'), JSON_HEADERS);
    await withFleetCallContext(context, () => client(EU).getVehicleData(VIN, { includeLocation: false }));
    expect(retried).toEqual([`command:${VIN}`, `data:${VIN}`]);
  });

  it.each([
    ['HTML', '<html><body>Bad gateway</body></html>'],
    ['truncated JSON', '{"response":{"result":tr'],
    ['an empty body', ''],
    ['the wrong shape', '{"response":{"ok":1}}'],
  ])('reads a 200 with %s as unreadable, never as an answer', async (_what, body) => {
    agent
      .get(NA)
      .intercept({ path: `/api/1/vehicles/${VIN}/command/door_lock`, method: 'POST' })
      .reply(200, body);
    agent
      .get(NA)
      .intercept({ path: (p) => p.startsWith(`/api/1/vehicles/${VIN}/vehicle_data`), method: 'GET' })
      .reply(200, body);
    agent
      .get(NA)
      .intercept({ path: `/api/1/vehicles/${VIN}/signed_command`, method: 'POST' })
      .reply(200, body);
    await expect(client().sendCommand(VIN, 'door_lock', {})).rejects.toBeInstanceOf(UnreadableAnswerError);
    await expect(client().getVehicleData(VIN, { includeLocation: false })).rejects.toBeInstanceOf(UnreadableAnswerError);
    await expect(client().signedCommand(VIN, Buffer.from([1, 2]))).rejects.toBeInstanceOf(UnreadableAnswerError);
  });

  it('does not start a request with no time left before the surrounding deadline', async () => {
    const error = await withFleetCallContext({ deadline: Date.now() + 100 }, () => client().sendCommand(VIN, 'door_lock', {})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestNotSentError);
  });

  it('names the scope a 403 is about, read from the token’s own claims', async () => {
    const jwt = (scp: string[]) => `h.${Buffer.from(JSON.stringify({ scp, ou_code: 'NA' })).toString('base64url')}.s`;
    tokens.token = jwt(['openid', 'offline_access', 'vehicle_cmds']);
    agent
      .get(NA)
      .intercept({ path: (p) => p.startsWith(`/api/1/vehicles/${VIN}/vehicle_data`), method: 'GET' })
      .reply(403, '{"response":null,"error":"Unauthorized"}');
    await expect(client().getVehicleData(VIN, { includeLocation: true })).rejects.toMatchObject({
      name: 'MissingScopeError',
      scopes: ['vehicle_device_data', 'vehicle_location'],
    });
    agent
      .get(NA)
      .intercept({ path: `/api/1/vehicles/${VIN}/command/set_charge_limit`, method: 'POST' })
      .reply(403, '{"response":null,"error":"Unauthorized"}');
    tokens.token = jwt(['openid', 'vehicle_device_data']);
    await expect(client().sendCommand(VIN, 'set_charge_limit', { percent: 80 })).rejects.toMatchObject({
      name: 'MissingScopeError',
      scopes: ['vehicle_charging_cmds'],
    });
    // A token with every scope: the 403 is about something else.
    tokens.token = jwt(['vehicle_device_data', 'vehicle_cmds', 'vehicle_charging_cmds']);
    agent
      .get(NA)
      .intercept({ path: `/api/1/vehicles/${VIN}/command/honk_horn`, method: 'POST' })
      .reply(403, '{"response":null,"error":"Unauthorized"}');
    await expect(client().sendCommand(VIN, 'honk_horn', {})).rejects.toBeInstanceOf(UnexpectedFleetResponseError);
  });

  it('starts on the host it is told before its first request (a learnt region, or the token’s), but only a Tesla one', async () => {
    agent.get(EU).intercept({ path: '/api/1/vehicles', method: 'GET' }).reply(200, '{"response":[],"count":0}', JSON_HEADERS);
    const api = new UndiciFleetApi({ baseUrl: NA, tokens, dispatcher: agent, resolveBaseUrl: () => Promise.resolve(EU) });
    await expect(api.listVehicles()).resolves.toEqual([]);
    expect(api.currentBaseUrl).toBe(EU);
    agent.get(NA).intercept({ path: '/api/1/vehicles', method: 'GET' }).reply(200, '{"response":[],"count":0}', JSON_HEADERS);
    const stays = new UndiciFleetApi({ baseUrl: NA, tokens, dispatcher: agent, resolveBaseUrl: () => Promise.resolve('https://fleet-api.evil.example') });
    await expect(stays.listVehicles()).resolves.toEqual([]);
    expect(stays.currentBaseUrl).toBe(NA);
  });

  it('gives up after a second 401 instead of looping', async () => {
    agent.get(NA).intercept({ path: '/api/1/vehicles', method: 'GET' }).reply(401, '').times(3);
    await expect(client().listVehicles()).rejects.toMatchObject({ status: 401 });
    expect(tokens.renewals).toHaveLength(1);
  });

  it('follows a 421 to the host Tesla names, once, and reports the move', async () => {
    const wrongRegion = teslaFixture('error_421.vehicle-command-inet-go-comment-user-out-of-region.json');
    agent.get(EU).intercept({ path: '/api/1/vehicles', method: 'GET' }).reply(421, wrongRegion);
    agent.get(NA).intercept({ path: '/api/1/vehicles', method: 'GET' }).reply(200, '{"response":[],"count":0}', JSON_HEADERS);
    const api = client(EU);
    await expect(api.listVehicles()).resolves.toEqual([]);
    expect(api.currentBaseUrl).toBe(NA);
    expect(regionChanges).toEqual([NA]);
  });

  it('never follows a 421 (with the bearer token) to a host that is not Tesla’s', async () => {
    agent
      .get(NA)
      .intercept({ path: '/api/1/vehicles', method: 'GET' })
      .reply(421, '{"error":"user out of region, use base URL: https://fleet-api.evil.example, see x"}');
    const error = await client()
      .listVehicles()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongRegionError);
    expect(regionChanges).toEqual([]);
  });

  it('reports a 421 that names no host as WrongRegionError', async () => {
    agent.get(NA).intercept({ path: '/api/1/vehicles', method: 'GET' }).reply(421, '{"error":"wrong region"}');
    await expect(client().listVehicles()).rejects.toBeInstanceOf(WrongRegionError);
  });

  it('reports other answers with Tesla status and without the token', async () => {
    agent
      .get(NA)
      .intercept({ path: /nearby/, method: 'GET' })
      .reply(400, teslaFixture('error_400.timdorr-invalid_endpoint.json'));
    agent
      .get(NA)
      .intercept({ path: `/api/1/vehicles/${VIN}`, method: 'GET' })
      .reply(400, teslaFixture('error_400.timdorr-invalid_endpoint.json'));
    const error = await client()
      .getVehicle(VIN)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedFleetResponseError);
    expect((error as Error).message).toContain('invalid_endpoint');
    expect((error as Error).message).not.toContain('at-1');
  });

  it('reads fleet_status per car, saying null where Tesla says nothing', async () => {
    const OTHER = '5YJSA7E21JF230099';
    const UNLISTED = '5YJ3E7EB0SF000077';
    const bodies: string[] = [];
    agent
      .get(NA)
      .intercept({ path: '/api/1/vehicles/fleet_status', method: 'POST', body: (b) => (bodies.push(b), true) })
      .reply(
        200,
        JSON.stringify({
          response: {
            key_paired_vins: [VIN],
            unpaired_vins: [OTHER],
            vehicle_info: {
              [VIN]: {
                firmware_version: '2025.44.25',
                vehicle_command_protocol_required: true,
                discounted_device_data: false,
                fleet_telemetry_version: '1.1.0',
                total_number_of_keys: 8,
              },
              [OTHER]: { firmware_version: '2023.44.30', vehicle_command_protocol_required: false },
            },
          },
        }),
        JSON_HEADERS,
      );
    const status = await client().fleetStatus([VIN, OTHER, UNLISTED]);
    expect(JSON.parse(bodies[0]!)).toEqual({ vins: [VIN, OTHER, UNLISTED] });
    expect(status.get(VIN)).toEqual({ protocolRequired: true, keyPaired: true });
    expect(status.get(OTHER)).toEqual({ protocolRequired: false, keyPaired: false });
    expect(status.get(UNLISTED)).toEqual({ protocolRequired: null, keyPaired: null });
  });

  it('reads a 503 from signed_command as a sleeping car (nothing delivered), like a 408', async () => {
    agent
      .get(NA)
      .intercept({ path: `/api/1/vehicles/${VIN}/signed_command`, method: 'POST' })
      .reply(503, '{"response":null,"error":"vehicle unavailable"}');
    const error = await client()
      .signedCommand(VIN, Buffer.from([1, 2, 3]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VehicleUnavailableError);
    expect((error as VehicleUnavailableError).status).toBe(503); // Tesla does not bill a 5xx
  });

  describe('invoice PDFs', () => {
    const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3, 0x00, 0xff]), Buffer.from('\n%%EOF\n')]);
    const path = '/api/1/dx/charging/invoice/abc-123';

    it('reads the bytes as they came (not through UTF-8), asking for a PDF, after a renewal as any call', async () => {
      const accepts: string[] = [];
      agent
        .get(NA)
        .intercept({ path, method: 'GET', headers: { authorization: 'Bearer at-1' } })
        .reply(401, '');
      agent
        .get(NA)
        .intercept({ path, method: 'GET', headers: (h) => (accepts.push(String(h.accept)), true) })
        .reply(200, PDF, { headers: { 'content-type': 'application/pdf' } });
      const retried: string[] = [];
      const pdf = await withFleetCallContext({ onRetriedAnswer: (c, s) => retried.push(`${c}:${s}`) }, () => client().chargingInvoice(VIN, 'abc-123'));
      expect(Buffer.from(pdf).equals(PDF)).toBe(true);
      expect(new Set(accepts)).toEqual(new Set(['application/pdf']));
      expect(retried).toEqual([`history:${VIN}`]);
    });

    it.each([
      ['JSON', '{"response":null}'],
      ['HTML', '<html>Login</html>'],
      ['an empty body', ''],
    ])('takes a 200 with %s for unreadable, never for an invoice', async (_what, body) => {
      agent.get(NA).intercept({ path, method: 'GET' }).reply(200, body);
      await expect(client().chargingInvoice(VIN, 'abc-123')).rejects.toBeInstanceOf(UnreadableAnswerError);
    });

    it('abandons an answer larger than an API answer can carry', async () => {
      agent
        .get(NA)
        .intercept({ path, method: 'GET' })
        .reply(200, Buffer.concat([PDF, Buffer.alloc(4 * 1024 * 1024)]));
      await expect(client().chargingInvoice(VIN, 'abc-123')).rejects.toThrow(/larger than 4194304 bytes/);
    });

    it('puts the id in the path escaped, so it cannot name another endpoint', async () => {
      agent.get(NA).intercept({ path: '/api/1/dx/charging/invoice/..%2Fvehicles', method: 'GET' }).reply(200, PDF);
      await expect(client().chargingInvoice(VIN, '../vehicles')).resolves.toBeDefined();
    });
  });
});
