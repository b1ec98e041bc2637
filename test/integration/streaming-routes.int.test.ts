import { afterEach, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { createApiHandler } from '../../functions/api/create-handler';
import type { FleetSimulator } from '../../infra/simulator/fleet-simulator';
import { monthKey } from '../../shared/domain/billing';
import { ApiTokenVerifier } from '../../shared/secrets/api-token-verifier';
import { addReadToken } from '../../shared/secrets/read-tokens';
import { commandKeyFromPem, generateCommandKeyPem, type CommandKey } from '../../shared/vcp/command-key';
import { signTeslaJws } from '../../shared/vcp/tesla-jws';
import { httpEvent } from '../support/api-events';
import { memoryApiDeps } from '../support/memory-api-deps';
import { MemoryStores } from '../support/memory-stores';
import { simulatorWithClient } from '../support/sim-client';

/** The owner's /streaming routes, through the production client against the simulator's telemetry endpoints. */
const CARS = ['5YJ3E7EB0SF000061', '5YJ3E7EB0SF000062'];
const OWNER = 'owner-token-0123456789abcdef';
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const { token: READER, records } = addReadToken([], 'ha', 0);

let running: FleetSimulator | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

async function setup(options: { key?: boolean; streaming?: boolean; receiverReady?: boolean; ssmDown?: boolean } = {}) {
  const ctx = await simulatorWithClient({
    cars: CARS.map((vin, i) => ({ vin, id: 61 + i, displayName: `T${i}`, profile: { periodMinutes: 60, segments: [] } })),
  });
  running = ctx.sim;
  const key: CommandKey = commandKeyFromPem(generateCommandKeyPem());
  ctx.sim.pairKey(key.publicKey, CARS);
  const stores = new MemoryStores();
  const watched = new Map<string, number | null>();
  const watch = { setConfiguredUntil: (vin: string, until: number | null) => Promise.resolve(void watched.set(vin, until)) };
  const allowlists: string[][] = [];
  const allowlist = (vins: readonly string[]) =>
    options.ssmDown ? Promise.reject(new Error('SSM: ThrottlingException')) : Promise.resolve(void allowlists.push([...vins]));
  for (const vin of CARS) await stores.putVehicle({ vin, displayName: null, state: 'online', lastSeenAt: 0, lastSnapshotAt: null, polling: {} as never });
  const handler = createApiHandler(
    memoryApiDeps({
      stores,
      clock: ctx.clock,
      ...(options.streaming === false
        ? {}
        : {
            streaming: {
              telemetry: ctx.fleet,
              receiver: () => Promise.resolve(options.receiverReady === false ? null : { hostname: 'telemetry.example.com', port: 443, ca: CA }),
              signer: () => Promise.resolve(options.key === false ? null : (claims: Record<string, unknown>) => signTeslaJws(key, claims)),
              watch,
              allowlist,
              // The first car streamed a minute ago and is connected; the second was never heard from.
              activity: (vin: string) =>
                Promise.resolve(
                  vin === CARS[0]
                    ? { lastRecordAt: ctx.clock.now() - 60_000, connection: { connected: true, at: ctx.clock.now() - 3_600_000 } }
                    : { lastRecordAt: null, connection: null },
                ),
            },
          }),
    }),
    new ApiTokenVerifier(() => Promise.resolve({ owner: OWNER, readTokens: records }), undefined, 0),
  );
  const call = async (method: string, token = OWNER) => {
    const res = await handler(httpEvent(method, '/streaming', { token }), {} as Context);
    return { status: res.statusCode!, body: JSON.parse(res.body ?? 'null') as Record<string, any> };
  };
  return { ...ctx, stores, call, watched, allowlists };
}

describe('PUT, GET and DELETE /streaming', () => {
  it('configures every car for the receiver, reads each back, and counts each billed request', async () => {
    const { call, sim, stores, clock, watched, allowlists } = await setup();
    const put = await call('PUT');
    expect(put.status).toBe(200);
    // Each car shows when its configuration ends, and is kept as one that should stream until then.
    const expiresAt = (put.body.cars as Array<{ expiresAt: string }>).map((c) => c.expiresAt);
    expect(expiresAt.map((at) => Math.round((Date.parse(at) - clock.now()) / 86_400_000))).toEqual([365, 365]);
    expect(CARS.map((vin) => watched.get(vin))).toEqual(expiresAt.map((at) => Date.parse(at)));
    expect(put.body.receiver).toEqual({ hostname: 'telemetry.example.com', port: 443 });
    expect((put.body.cars as Array<{ vin: string }>).map((c) => c.vin)).toEqual(CARS);
    for (const vin of CARS)
      expect(sim.telemetry.configOf(vin)).toMatchObject({
        hostname: 'telemetry.example.com',
        ca: CA,
        fields: { Odometer: { interval_seconds: 1, minimum_delta: 0.1 } },
      });
    // One create, and a configuration and an error read per car: all billed, all in the ledger.
    expect(sim.billing.total.data).toBe(1 + 2 * CARS.length);
    const month = monthKey(clock.now());
    const counted =
      (await stores.getUsage('ACCOUNT', month)).data + (await Promise.all(CARS.map((v) => stores.getUsage(v, month)))).reduce((n, u) => n + u.data, 0);
    expect(counted).toBe(1 + 2 * CARS.length);

    const get = await call('GET');
    expect(get.status).toBe(200);
    expect(get.body.cars).toHaveLength(2);
    // Beside what Tesla says, what the receiver saw of each car.
    const iso = (ms: number) => new Date(ms).toISOString();
    expect((get.body.cars as Array<{ receiver: unknown }>).map((c) => c.receiver)).toEqual([
      { lastRecordAt: iso(clock.now() - 60_000), connected: true, connectionChangedAt: iso(clock.now() - 3_600_000) },
      { lastRecordAt: null, connected: null, connectionChangedAt: null },
    ]);

    const removed = await call('DELETE');
    expect(removed.body.cars).toEqual(CARS.map((vin) => ({ vin, removed: true })));
    expect(CARS.map((vin) => watched.get(vin))).toEqual([null, null]);
    // The receiver's allowlist: every car before configuring, none after stopping.
    expect(allowlists).toEqual([CARS, []]);
    for (const vin of CARS) expect(sim.telemetry.configOf(vin)).toBeNull();
  });

  it('refuses a read-only token before any Tesla request (each call is billed)', async () => {
    const { call, sim } = await setup();
    for (const method of ['GET', 'PUT', 'DELETE']) expect((await call(method, READER)).body.error.code).toBe('forbidden_for_token');
    expect(sim.billing.total.data).toBe(0);
  });

  it('says what is missing: streaming off, the receiver not up yet, no app key', async () => {
    expect((await (await setup({ streaming: false })).call('GET')).body.error).toMatchObject({ code: 'streaming_off' });
    await running?.stop();
    const notReady = await setup({ receiverReady: false });
    expect(await notReady.call('PUT')).toMatchObject({ status: 409, body: { error: { code: 'receiver_not_ready' } } });
    expect(notReady.sim.billing.total.data).toBe(0);
    await running?.stop();
    const noKey = await setup({ key: false });
    expect(await noKey.call('PUT')).toMatchObject({ status: 409, body: { error: { code: 'no_command_key' } } });
    expect(noKey.sim.billing.total.data).toBe(0);
  });

  it('configures no car when the receiver’s VIN allowlist cannot be written (its records would be refused), and still stops them', async () => {
    const { call, sim } = await setup({ ssmDown: true });
    const put = await call('PUT');
    expect(put).toMatchObject({ status: 503, body: { error: { code: 'receiver_settings_unavailable' } } });
    expect(sim.billing.total.data).toBe(0);
    for (const vin of CARS) expect(sim.telemetry.configOf(vin)).toBeNull();
    expect((await call('DELETE')).status).toBe(200);
  });
});
