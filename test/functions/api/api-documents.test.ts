import { memoryApiDeps } from '../../support/memory-api-deps';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from '@jest/globals';
import { createApiHandler } from '../../../functions/api/create-handler';
import { DEFAULT_ALLOWED_COMMANDS } from '../../../shared/domain/commands/catalogue';
import { INITIAL_MEMORY } from '../../../shared/domain/polling-policy';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import type { ApiDeps } from '../../../shared/http/api-deps';
import { apiRoutes } from '../../../shared/http/api-routes';
import { ApiTokenVerifier } from '../../../shared/secrets/api-token-verifier';
import { httpEvent } from '../../support/api-events';
import { FakeFleetApi } from '../../support/fake-fleet-api';
import { MemoryCommandStores } from '../../support/memory-command-stores';
import { MemoryHistoryStore } from '../../support/memory-history-store';
import { MemoryStores } from '../../support/memory-stores';

const TOKEN = 'docs-api-token-0123456789';
const VIN = '5YJ3E7EB0SF000001';
const NOW = Date.parse('2026-06-15T12:00:00Z');

async function setup() {
  const stores = new MemoryStores();
  const history = new MemoryHistoryStore();
  const commands = new MemoryCommandStores();
  const deps: ApiDeps = memoryApiDeps({ stores, history, commands, fleet: new FakeFleetApi(), clock: { now: () => NOW }, commandTimeoutMs: 25_000 });
  await stores.putSnapshot(
    snapshotFromVehicleData(VIN, { vehicle_state: { odometer: 100.5, timestamp: Date.parse('2026-06-14T08:00:00Z'), car_version: '=HYPERLINK("x")' } }, 0),
  );
  await stores.putSnapshot(snapshotFromVehicleData(VIN, { vehicle_state: { odometer: 120, timestamp: Date.parse('2026-06-14T18:00:00Z') } }, 0));
  await stores.putVehicle({ vin: VIN, displayName: 'Car', state: 'online', lastSeenAt: NOW, lastSnapshotAt: null, polling: INITIAL_MEMORY });
  const handler = createApiHandler(deps, new ApiTokenVerifier(() => Promise.resolve(TOKEN)));
  const call = async (path: string, options: { query?: Record<string, string>; headers?: Record<string, string>; token?: string | null } = {}) => {
    const { token = TOKEN, ...rest } = options;
    const res = await handler(httpEvent('GET', path, { ...rest, ...(token === null ? {} : { token }) }), {} as Context);
    return { status: res.statusCode!, headers: res.headers ?? {}, body: res.body ?? '' };
  };
  return { deps, call };
}

describe('OpenAPI document', () => {
  it('is served without a token (it holds no secret) and describes every route the router knows', async () => {
    const { deps, call } = await setup();
    const anonymous = await call('/openapi.json', { token: null });
    expect(anonymous.status).toBe(200);
    const doc = JSON.parse(anonymous.body) as {
      openapi: string;
      paths: Record<string, Record<string, { summary?: string; tags?: string[]; operationId?: string }>>;
      servers: unknown[];
      info: { license?: { name: string } };
      tags: Array<{ name: string }>;
    };
    expect(doc.openapi).toBe('3.1.0');
    // What redocly's recommended rules ask for: servers, a license, and every operation with an id, a summary and a known tag.
    expect(doc.servers.length).toBeGreaterThan(0);
    expect(doc.info.license?.name).toBeTruthy();
    const tags = new Set(doc.tags.map((t) => t.name));
    const lacking = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => !op.operationId || !op.summary || op.summary === op.operationId || !op.tags?.every((t) => tags.has(t)))
        .map(([method]) => `${method} ${path}`),
    );
    expect(lacking).toEqual([]);
    const undocumented = apiRoutes(deps)
      .filter((route) => route.path !== '/vehicles/{vin}/commands/{command}')
      .filter((route) => doc.paths[route.path]?.[route.method.toLowerCase()] === undefined)
      .map((route) => `${route.method} ${route.path}`);
    expect(undocumented).toEqual([]);
    for (const command of DEFAULT_ALLOWED_COMMANDS) expect(doc.paths[`/vehicles/{vin}/commands/${command}`]).toBeDefined();
    expect(doc.paths['/vehicles/{vin}/commands/door_unlock']).toBeUndefined();
  });

  it('takes bodies and parameters from the validating schemas', async () => {
    const { call } = await setup();
    const doc = JSON.parse((await call('/openapi.json')).body);
    const limit = doc.paths['/vehicles/{vin}/commands/set_charge_limit'].post.requestBody.content['application/json'].schema;
    expect(limit).toMatchObject({
      type: 'object',
      properties: { percent: { type: 'integer', minimum: 50, maximum: 100 } },
      required: ['percent'],
      additionalProperties: false,
    });
    const params = doc.paths['/vehicles/{vin}/odometer'].get.parameters as Array<{ name: string; schema: { enum?: string[] } }>;
    expect(params.map((p) => p.name)).toEqual(['vin', 'from', 'to', 'resolution', 'unit', 'limit', 'cursor']);
    expect(params.find((p) => p.name === 'resolution')!.schema.enum).toEqual(['raw', 'day']);
  });
});

describe('history as CSV and snapshots', () => {
  it('serves raw and daily odometer history as CSV when asked', async () => {
    const { call } = await setup();
    const raw = await call(`/vehicles/${VIN}/odometer`, { headers: { accept: 'text/csv' } });
    expect(raw.headers['content-type']).toMatch(/^text\/csv/);
    expect(raw.body).toBe('at,odometer\r\n2026-06-14T08:00:00.000Z,100.5\r\n2026-06-14T18:00:00.000Z,120\r\n');
    const day = await call(`/vehicles/${VIN}/odometer`, { query: { resolution: 'day', unit: 'km' }, headers: { accept: 'text/csv' } });
    expect(day.body).toBe('date,first,last,distance\r\n2026-06-14,161.739,193.121,31.382\r\n');
  });

  it('lists snapshots as JSON or CSV, defusing spreadsheet formulas', async () => {
    const { call } = await setup();
    const json = JSON.parse((await call(`/vehicles/${VIN}/snapshots`)).body) as { snapshots: Array<{ odometerMi: number; takenAt: string }> };
    expect(json.snapshots.map((s) => [s.takenAt, s.odometerMi])).toEqual([
      ['2026-06-14T08:00:00.000Z', 100.5],
      ['2026-06-14T18:00:00.000Z', 120],
    ]);
    const text = (await call(`/vehicles/${VIN}/snapshots`, { headers: { accept: 'text/csv' } })).body;
    expect(text.split('\r\n')[0]).toBe('takenAt,odometerMi,batteryLevel,rangeMi,chargingState,locked,shiftState,speedMph,softwareVersion,latitude,longitude');
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

describe('API token rotation', () => {
  it('takes a rotated token into use once the cache expires', async () => {
    let now = 0;
    let current = 'first-token-0123456789';
    const verifier = new ApiTokenVerifier(() => Promise.resolve(current), { now: () => now }, 60_000);
    expect((await verifier.verify('first-token-0123456789'))?.role).toBe('owner');
    current = 'second-token-0123456789';
    expect(await verifier.verify('second-token-0123456789')).toBeNull();
    now = 60_000;
    expect((await verifier.verify('second-token-0123456789'))?.role).toBe('owner');
    expect(await verifier.verify('first-token-0123456789')).toBeNull();
  });
});

describe('the page’s icon and home-screen manifest', () => {
  it('are served without a token (a browser asks for /favicon.ico on every load), and the page links them', async () => {
    const { call } = await setup();
    for (const [path, type] of [
      ['/favicon.ico', 'image/svg+xml'],
      ['/icon.svg', 'image/svg+xml'],
      ['/manifest.webmanifest', 'application/manifest+json'],
    ] as const) {
      const res = await call(path, { token: null });
      expect({ path, status: res.status, type: res.headers['content-type'] }).toEqual({ path, status: 200, type });
    }
    const manifest = JSON.parse((await call('/manifest.webmanifest', { token: null })).body) as { start_url: string; icons: unknown[] };
    expect(manifest).toMatchObject({ start_url: '/', icons: [expect.objectContaining({ src: '/icon.svg' })] });
    const page = await call('/', { token: null });
    expect(page.body).toContain('rel="manifest"');
    expect(String(page.headers['content-security-policy'])).toContain("manifest-src 'self'");
  });
});

describe('the drive map’s tiles', () => {
  it('are off by default: the page may load images from itself alone, and /map-settings says null', async () => {
    const { call } = await setup();
    const page = await call('/', { token: null });
    expect(String(page.headers['content-security-policy'])).toContain("img-src 'self' data:;");
    expect(JSON.parse((await call('/map-settings')).body)).toEqual({ tileUrl: null });
    expect((await call('/map-settings', { token: null })).status).toBe(401); // a provider's key may be in it
  });

  it('with MAP_TILE_URL, the page may load images from that host, and nothing else from it', async () => {
    const tileUrl = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
    const handler = createApiHandler(
      { ...memoryApiDeps({ clock: { now: () => NOW } }), mapTileUrl: tileUrl },
      new ApiTokenVerifier(() => Promise.resolve(TOKEN)),
    );
    const page = await handler(httpEvent('GET', '/', {}), {} as Context);
    const csp = String(page.headers?.['content-security-policy']);
    expect(csp).toContain("img-src 'self' data: https://tile.openstreetmap.org;");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("script-src 'self';");
    const settings = await handler(httpEvent('GET', '/map-settings', { token: TOKEN }), {} as Context);
    expect(JSON.parse(settings.body!)).toEqual({ tileUrl });
  });
});
