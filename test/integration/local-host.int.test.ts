import { chmod, mkdtemp, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { Agent, request as undiciRequest } from 'undici';
import { DataFolderError } from '../../infra/local/dynalite-server';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { parseLocalSettings } from '../../shared/config/local-settings';
import { FileCommandKeyStore } from '../../shared/secrets/command-key-stores';
import { commandKeyFromPem, generateCommandKeyPem } from '../../shared/vcp/command-key';
import { MINUTE_MS } from '../../shared/domain/clock';
import { serveLambda } from '../../infra/local/lambda-http-adapter';
import { startLocalHost, type LocalHost } from '../../infra/local/local-host';
import { DEFAULT_SIM_VIN } from '../../infra/simulator/fleet-simulator';
import { SimClock } from '../../infra/simulator/sim-clock';
import { T0 } from '../support/sim-client';

const VIN = DEFAULT_SIM_VIN;
let host: LocalHost | null = null;
afterEach(async () => {
  await host?.stop();
  host = null;
});

async function start(dataDir: string, clock = new SimClock(T0, 0), env: Record<string, string> = {}) {
  const settings = parseLocalSettings({ DATA_DIR: dataDir, PORT: '0', ...env }, process.cwd());
  host = await startLocalHost(settings, {
    simulator: { clock, cars: [{ vin: VIN, id: 1, displayName: 'Sim', odometerMi: 12_000 }] },
    schedule: false,
  });
  const api = async (method: string, path: string, body?: unknown, token: string | null = host!.apiToken) => {
    const res = await fetch(`${host!.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
  };
  return { host: host, clock, api };
}

describe('local host (npm start) end to end', () => {
  it('/usage prices list calls and shares the budget as the collector does (the account’s calls paid first)', async () => {
    // $50 per 1,000 list calls: 11 passes list the cars 11 times, $0.55 paid from the budget before the car's share.
    const { api, clock } = await start(await mkdtemp(join(tmpdir(), 'local-')), new SimClock(T0, 0), { LIST_CALL_PRICE_PER_1000_USD: '50' });
    for (let minute = 0; minute <= 10; minute++) {
      await api('POST', '/local/collect');
      clock.advance(MINUTE_MS);
    }
    const usage = await api('GET', `/vehicles/${VIN}/usage`);
    expect(usage.body).toMatchObject({
      accountRequests: { free: 11 },
      requests: { data: 3 },
      costByCategoryUsd: { data: 0.006 },
      estimatedCostUsd: 0.006,
      budgetUsd: 9.45,
    });
  });

  it('shows the simulated car’s odometer rising through the HTTP API as it drives', async () => {
    const { api, clock } = await start(await mkdtemp(join(tmpdir(), 'local-')));
    const readings: number[] = [];
    // The collector asks a driving car every 5 minutes; run a pass each minute as the schedule would.
    for (let minute = 0; minute <= 10; minute++) {
      const pass = await api('POST', '/local/collect');
      expect(pass.status).toBe(200);
      expect(pass.body).toMatchObject({ vehiclesSeen: 1, requests: { free: 1, wake: 0 } });
      expect(pass.body.requests.data).toBe(minute % 5 === 0 ? 1 : 0);
      clock.advance(MINUTE_MS);
    }
    const odometer = await api('GET', `/vehicles/${VIN}/odometer`);
    expect(odometer.status).toBe(200);
    for (const r of odometer.body.readings as Array<{ odometer: number }>) readings.push(r.odometer);
    expect(readings).toHaveLength(3);
    expect(readings[0]).toBe(12_000);
    for (let i = 1; i < readings.length; i++) expect(readings[i]!).toBeGreaterThan(readings[i - 1]!);
    expect(readings[2]! - readings[0]!).toBeCloseTo(5, 3); // 10 minutes at 30 mph

    const usage = await api('GET', `/vehicles/${VIN}/usage`);
    expect(usage.body).toMatchObject({
      month: '2026-03',
      requests: { data: 3, wake: 0 },
      estimatedCostUsd: 0.006,
      budgetUsd: 10,
      accountRequests: { free: 11 },
    });

    const state = await api('GET', `/vehicles/${VIN}/state`);
    expect(state.body).toMatchObject({ vin: VIN, state: 'online', snapshot: { shiftState: 'D', speedMph: 30 } });
    const vehicles = await api('GET', '/vehicles');
    expect(vehicles.body.vehicles).toEqual([expect.objectContaining({ vin: VIN, displayName: 'Sim', state: 'online' })]);
  });

  it('sends commands to the simulated car and refuses what is not allowed, before Tesla is called', async () => {
    const { api, host: h } = await start(await mkdtemp(join(tmpdir(), 'local-')));
    const before = { ...h.simulator!.billing.total };
    expect((await api('POST', `/vehicles/${VIN}/commands/door_unlock`)).status).toBe(403);
    expect((await api('POST', `/vehicles/${VIN}/commands/set_charge_limit`, { percent: 40 })).status).toBe(400);
    expect((await api('POST', `/vehicles/${VIN}/commands/set_charge_limit`, '{oops')).status).toBe(400);
    expect(h.simulator!.billing.total).toEqual(before);

    expect((await api('POST', `/vehicles/${VIN}/commands/set_charge_limit`, { percent: 90 })).body).toMatchObject({ outcome: 'done' });
    expect(h.simulator!.car(VIN).chargeLimit).toBe(90);
    expect((await api('POST', `/vehicles/${VIN}/commands/set_charge_limit`, { percent: 90 })).body).toMatchObject({
      outcome: 'already_done',
      reason: 'already_set',
    });
    // A well-formed VIN the account does not have: Tesla's 404 becomes ours, not a 502.
    const stranger = await api('POST', '/vehicles/5YJ3E7EB0SF000099/commands/honk_horn');
    expect(stranger).toMatchObject({ status: 404, body: { error: { code: 'vehicle_not_found' } } });
  });

  it('never wakes a sleeping car by collecting, but wakes it for a command and logs that', async () => {
    const { api, clock, host: h } = await start(await mkdtemp(join(tmpdir(), 'local-')));
    clock.advance(30 * MINUTE_MS);
    const pass = await api('POST', '/local/collect');
    expect(pass.body.vehicles[0]).toMatchObject({ state: 'asleep', decision: 'skip' });
    expect(h.simulator!.billing.total.wake).toBe(0);

    const res = await api('POST', `/vehicles/${VIN}/commands/honk_horn`);
    expect(res.body).toMatchObject({ outcome: 'done', woke: true });
    expect(h.simulator!.billing.total.wake).toBe(1);
    expect(h.simulator!.billing.total.command).toBe(1); // no billed 408 on the way
    const audit = await api('GET', `/vehicles/${VIN}/commands`);
    expect(audit.body.commands[0]).toMatchObject({ command: 'honk_horn', outcome: 'done', woke: true, transport: 'rest' });
  });

  it('runs a command once however often it is retried with the same Idempotency-Key', async () => {
    const { host: h } = await start(await mkdtemp(join(tmpdir(), 'local-')));
    const send = () =>
      fetch(`${h.url}/vehicles/${VIN}/commands/flash_lights`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.apiToken}`, 'idempotency-key': 'shortcut-42' },
      });
    const answers = await Promise.all([send(), send(), send()]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect((await send()).headers.get('idempotent-replayed')).toBe('true');
    expect(h.simulator!.billing.total.command).toBe(1);
  });

  it('maps Tesla’s refusals: signed commands required, rate limit, and a car that wakes too slowly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-'));
    const clock = new SimClock(T0, 0);
    const settings = parseLocalSettings({ DATA_DIR: dir, PORT: '0' }, process.cwd());
    const idle = { periodMinutes: 60, segments: [] };
    host = await startLocalHost(settings, {
      schedule: false,
      simulator: {
        clock,
        cars: [
          { vin: '5YJ3E7EB0SF000010', id: 10, displayName: 'Signed', requiresSigning: true },
          { vin: '5YJ3E7EB0SF000011', id: 11, displayName: 'Busy' },
          { vin: '5YJ3E7EB0SF000012', id: 12, displayName: 'Slow', wakeDelayMs: 60_000, profile: idle },
        ],
      },
    });
    const post = async (vin: string, command: string) => {
      const res = await fetch(`${host!.url}/vehicles/${vin}/commands/${command}`, { method: 'POST', headers: { authorization: `Bearer ${host!.apiToken}` } });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: { code: string } } };
    };
    expect(await post('5YJ3E7EB0SF000010', 'door_lock')).toMatchObject({ status: 501, body: { error: { code: 'command_signing_required' } } });

    for (let i = 0; i < 30; i++) expect((await post('5YJ3E7EB0SF000011', 'flash_lights')).status).toBe(200);
    const limited = await post('5YJ3E7EB0SF000011', 'flash_lights');
    expect(limited).toMatchObject({ status: 429, body: { error: { code: 'tesla_rate_limited' } } });
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);

    clock.advance(20 * MINUTE_MS); // the idle car is asleep; it needs 60 s to wake, longer than a request may take
    const slow = await post('5YJ3E7EB0SF000012', 'door_lock');
    expect(slow).toMatchObject({ status: 503, retryAfter: '15', body: { error: { code: 'vehicle_waking' } } });
    clock.advance(60_000);
    expect((await post('5YJ3E7EB0SF000012', 'door_lock')).status).toBe(200); // the retry finds it awake
  });

  it('requires the API token, which it generates once and keeps owner-only in DATA_DIR', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-'));
    const { api, host: h } = await start(dir);
    expect((await api('GET', '/vehicles', undefined, null)).status).toBe(401);
    expect((await api('GET', '/vehicles', undefined, 'not-the-token-at-all')).status).toBe(401);
    expect((await api('GET', '/health', undefined, null)).status).toBe(200);
    expect((await readFile(join(dir, 'api-token'), 'utf8')).trim()).toBe(h.apiToken);
    expect((await stat(join(dir, 'api-token'))).mode & 0o777).toBe(0o600);
  });

  it('stops at start with what to do when the token file holds a token no client can send, and reads //health as a path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-'));
    await writeFile(join(dir, 'api-token'), 'abcdefgh ijklmnopqrstuvwx\n', { mode: 0o600 });
    await expect(start(dir)).rejects.toThrow(/api-token does not hold a usable API token.*delete the file/);
    // The adapter hands the handler the path as sent (API Gateway does the same), not "/" with "health" as a host.
    const seen: string[] = [];
    const { server, url } = await serveLambda((event) => (seen.push(event.rawPath), Promise.resolve({ statusCode: 204 })), 0);
    try {
      await fetch(`${url}//health?x=1`);
      expect(seen).toEqual(['//health']);
    } finally {
      server.close();
    }
  });

  it('serves the public key for signed commands without a token once one exists, never the private key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-'));
    const { host: h } = await start(dir);
    const path = '/.well-known/appspecific/com.tesla.3p.public-key.pem';
    const missing = await fetch(`${h.url}${path}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('no_command_key');

    const pem = generateCommandKeyPem();
    await new FileCommandKeyStore(join(dir, 'vehicle-command-key.pem')).writePem(pem);
    const found = await fetch(`${h.url}${path}`);
    const text = await found.text();
    expect(found.status).toBe(200);
    expect(found.headers.get('content-type')).toBe('application/x-pem-file');
    expect(text).toBe(commandKeyFromPem(pem).publicKeyPem);
    expect(text).not.toContain('PRIVATE');
  });

  it('keeps a key paired on the simulator’s /_ak page across restarts, as a car keeps its keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-'));
    const pem = generateCommandKeyPem();
    await new FileCommandKeyStore(join(dir, 'vehicle-command-key.pem')).writePem(pem);
    const first = await start(dir);
    const page = `${first.host.simulator!.baseUrl}/_ak/${new URL(first.host.url).host}`;
    expect((await fetch(page, { method: 'POST', body: new URLSearchParams([['vin', VIN]]) })).status).toBe(200);
    await host!.stop();
    host = null;
    const second = await start(dir);
    expect(second.host.simulator!.signed.get(VIN)!.isPaired(commandKeyFromPem(pem).publicKey)).toBe(true);
  });

  it('keeps history across restarts, and the simulated odometer continues from it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-'));
    const first = await start(dir);
    await first.api('POST', '/local/collect');
    first.clock.advance(5 * MINUTE_MS);
    await first.api('POST', '/local/collect');
    const token = first.host.apiToken;
    await host!.stop();
    host = null;

    const second = await start(dir, new SimClock(T0 + HOUR, 0));
    expect(second.host.apiToken).toBe(token);
    await second.api('POST', '/local/collect');
    const readings = (await second.api('GET', `/vehicles/${VIN}/odometer?from=2026-03-01&to=2026-03-03`)).body.readings as Array<{ odometer: number }>;
    expect(readings).toHaveLength(3);
    expect(readings[2]!.odometer).toBeGreaterThanOrEqual(readings[1]!.odometer);
  });
});

describe('local host hygiene', () => {
  it('a token endpoint that fails during a pass fails that pass only: nothing stored, nothing lost, the next pass recovers', async () => {
    const { host: h, clock, api } = await start(await mkdtemp(join(tmpdir(), 'local-')));
    expect((await api('POST', '/local/collect')).status).toBe(200);
    clock.advance(9 * 60 * MINUTE_MS); // the access token has expired: the next pass must refresh
    h.simulator!.failNext(/^\/oauth2\/v3\/token$/, 503);
    const failed = await api('POST', '/local/collect');
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(failed.status).toBeLessThan(600);
    expect(JSON.stringify(failed.body)).not.toMatch(/refresh_token|access_token/);
    const recovered = await api('POST', '/local/collect');
    expect(recovered.status).toBe(200);
    expect(recovered.body).toMatchObject({ vehiclesSeen: 1 });
    expect((await api('GET', `/vehicles/${VIN}/odometer`)).body.readings.length).toBeGreaterThanOrEqual(1);
  });

  it('answers an oversized body 413 and closes that connection cleanly: the next request on a keep-alive client works', async () => {
    const { host: h } = await start(await mkdtemp(join(tmpdir(), 'local-')));
    const agent = new Agent({ connections: 1, pipelining: 1 });
    try {
      const big = await undiciRequest(`${h.url}/vehicles/${VIN}/commands/honk_horn`, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: `Bearer ${h.apiToken}` },
        body: 'x'.repeat(2 * 1024 * 1024),
      });
      expect(big.statusCode).toBe(413);
      expect(((await big.body.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
      const next = await undiciRequest(`${h.url}/health`, { dispatcher: agent });
      expect(next.statusCode).toBe(200);
      await next.body.text();
    } finally {
      await agent.close();
    }
  });

  it('keeps DATA_DIR owner-only, tightening a folder that was too open, and removes leftover temporary files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-'));
    await chmod(dir, 0o755);
    await writeFile(join(dir, 'api-token'), 'loose-token-loose-token-1234\n', { mode: 0o644 });
    await writeFile(join(dir, 'tesla-tokens.json.abc.tmp'), '{"half', { mode: 0o644 });
    await start(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'api-token'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'dynamodb'))).mode & 0o777).toBe(0o700);
    expect(await readdir(dir)).not.toContain('tesla-tokens.json.abc.tmp');
  });

  it('refuses a second host on the same DATA_DIR with one clear line, and the first keeps working', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-'));
    const first = await start(dir);
    const firstHost = host;
    const error = await startLocalHost(parseLocalSettings({ DATA_DIR: dir, PORT: '0' }, process.cwd()), { schedule: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFolderError);
    expect((error as Error).message).toMatch(/in use by another process.*DATA_DIR/);
    expect((error as Error).message).not.toContain('\n');
    host = firstHost;
    expect((await first.api('GET', '/vehicles')).status).toBe(200);
  });

  it('refuses a damaged data folder with one clear line instead of starting empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-'));
    await start(dir);
    await host!.stop();
    host = null;
    await writeFile(join(dir, 'dynamodb', 'CURRENT'), 'MANIFEST-999999\n');
    const error = await startLocalHost(parseLocalSettings({ DATA_DIR: dir, PORT: '0' }, process.cwd()), { schedule: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFolderError);
    expect((error as Error).message).toMatch(/damaged.*move it away/);
  });

  it.each([
    [
      '64 random bytes written into its log',
      async (log: string) => {
        const bytes = await readFile(log);
        const at = Math.max(0, Math.floor(bytes.length / 2) - 32);
        for (let i = 0; i < 64 && at + i < bytes.length; i++) bytes[at + i] = (i * 37 + 11) & 255;
        await writeFile(log, bytes);
      },
    ],
    ['its log truncated', async (log: string) => writeFile(log, (await readFile(log)).subarray(0, 16))],
  ])('refuses a database that lost data (%s) instead of serving an emptied history', async (_what, damage) => {
    const dir = await mkdtemp(join(tmpdir(), 'local-'));
    const { api } = await start(dir);
    for (let i = 0; i < 3; i++) expect((await api('POST', '/local/collect')).status).toBe(200);
    expect((await api('GET', `/vehicles/${VIN}/snapshots`)).body.snapshots.length).toBeGreaterThan(0);
    await host!.stop();
    host = null;
    const logs = (await readdir(join(dir, 'dynamodb'))).filter((f) => f.endsWith('.log'));
    expect(logs.length).toBeGreaterThan(0);
    for (const log of logs) await damage(join(dir, 'dynamodb', log));
    const error = await startLocalHost(parseLocalSettings({ DATA_DIR: dir, PORT: '0' }, process.cwd()), { schedule: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFolderError);
    expect((error as Error).message).toMatch(/has lost data.*restore that folder from a backup, or move it away/);
  });

  it('starts afresh, without a complaint, when the database folder was moved away on purpose', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-'));
    const { api } = await start(dir);
    expect((await api('POST', '/local/collect')).status).toBe(200);
    await host!.stop();
    host = null;
    await rename(join(dir, 'dynamodb'), join(dir, 'dynamodb.old'));
    const again = await start(dir);
    expect((await again.api('GET', '/vehicles')).status).toBe(200);
    await host!.stop();
    host = null;
    await start(dir); // and the count goes on from there
  });

  it('a restart keeps what the owner set on the simulated car (locks, sentry): no false "sentry off" after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-'));
    const { api } = await start(dir);
    expect((await api('POST', `/vehicles/${VIN}/commands/set_sentry_mode`, { on: true })).status).toBe(200);
    expect((await api('POST', `/vehicles/${VIN}/commands/door_unlock`)).status).toBeGreaterThanOrEqual(200);
    expect((await api('POST', '/local/collect')).status).toBe(200);
    const before = (await api('GET', `/vehicles/${VIN}/state`)).body.snapshot as { sentryMode: boolean; takenAt: string };
    expect(before.sentryMode).toBe(true);
    await host!.stop();
    host = null;
    // Half an hour later: a new reading of the restarted car, not the stored one, must still say sentry on.
    const again = await start(dir, new SimClock(T0 + 30 * MINUTE_MS, 0));
    for (let i = 0; i < 20; i++) {
      const now = (await again.api('GET', `/vehicles/${VIN}/state`)).body.snapshot as { takenAt: string };
      if (Date.parse(now.takenAt) > Date.parse(before.takenAt)) break;
      await again.api('POST', `/vehicles/${VIN}/commands/flash_lights`);
      expect((await again.api('POST', '/local/collect')).status).toBe(200);
    }
    const after = (await again.api('GET', `/vehicles/${VIN}/state`)).body.snapshot as { sentryMode: boolean; takenAt: string };
    expect(Date.parse(after.takenAt)).toBeGreaterThan(Date.parse(before.takenAt));
    expect(after.sentryMode).toBe(true);
  });

  it('names the setting to change when the port is in use', async () => {
    const { host: h } = await start(await mkdtemp(join(tmpdir(), 'local-')));
    const port = new URL(h.url).port;
    const error = await startLocalHost(parseLocalSettings({ DATA_DIR: await mkdtemp(join(tmpdir(), 'local-')), PORT: port }, process.cwd()), {
      schedule: false,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`port ${port} .* is in use.*PORT=`));
  });
});

const HOUR = 60 * MINUTE_MS;
