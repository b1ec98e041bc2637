import { memoryApiDeps } from '../../support/memory-api-deps';
import { createHash } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from '@jest/globals';
import { createApiHandler } from '../../../functions/api/create-handler';
import { CommandKeyInvalidError } from '../../../shared/vcp/command-key';
import { errorToResponse } from '../../../shared/http/error-mapping';
import {
  FleetApiUnreachableError,
  LoginRequiredError,
  MissingScopeError,
  RateLimitedError,
  UnexpectedFleetResponseError,
  VehicleNotFoundError,
  VehicleUnavailableError,
} from '../../../shared/domain/fleet-errors';
import { eventually } from '../../support/eventually';
import { INITIAL_MEMORY } from '../../../shared/domain/polling-policy';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import { ApiTokenVerifier } from '../../../shared/secrets/api-token-verifier';
import { httpEvent } from '../../support/api-events';
import { FakeFleetApi } from '../../support/fake-fleet-api';
import { MemoryCommandStores } from '../../support/memory-command-stores';
import { MemoryHistoryStore } from '../../support/memory-history-store';
import { MemoryStores } from '../../support/memory-stores';

const TOKEN = 'test-api-token-0123456789';
const VIN = '5YJ3E7EB0SF000001';
const NOW = Date.parse('2026-06-15T12:00:00Z');

function setup() {
  const fleet = new FakeFleetApi();
  fleet.vehicles = [{ vin: VIN, displayName: 'Car', state: 'online' }];
  const stores = new MemoryStores();
  const history = new MemoryHistoryStore();
  const commands = new MemoryCommandStores();
  const logged: string[] = [];
  let now = NOW;
  const clock = { now: () => now };
  const log = {
    info: (m: string, e?: object) => logged.push(m + JSON.stringify(e ?? {})),
    warn: () => undefined,
    error: (m: string, e?: object) => logged.push(m + JSON.stringify(e ?? {})),
  };
  const handler = createApiHandler(memoryApiDeps({ stores, history, commands, fleet, clock, log }), new ApiTokenVerifier(() => Promise.resolve(TOKEN)));
  const call = async (...args: Parameters<typeof httpEvent>) => {
    const res = await handler(httpEvent(...args), {} as Context);
    return { status: res.statusCode!, headers: res.headers ?? {}, body: JSON.parse(res.body ?? 'null') };
  };
  return { fleet, stores, commands, call, logged, advance: (ms: number) => (now += ms) };
}

const ROUTES: Array<[string, string]> = [
  ['GET', '/vehicles'],
  ['GET', `/vehicles/${VIN}/state`],
  ['GET', `/vehicles/${VIN}/odometer`],
  ['POST', `/vehicles/${VIN}/commands/door_lock`],
  ['GET', `/vehicles/${VIN}/commands`],
  ['GET', `/vehicles/${VIN}/snapshots`],
  ['GET', `/vehicles/${VIN}/usage`],
  ['GET', '/no/such/route'],
];

describe('API auth', () => {
  it.each(ROUTES)('%s %s without a token or with a wrong one is 401 and reaches nothing', async (method, path) => {
    const { call, fleet } = setup();
    for (const token of [undefined, 'wrong-token-wrong-token', '', `${TOKEN}x`]) {
      const res = await call(method, path, token === undefined ? {} : { token });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    expect(fleet.calls).toEqual([]);
  });

  it('serves /health without a token', async () => {
    const { call } = setup();
    expect(await call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('answers unknown paths 404 and wrong methods 405 once authenticated', async () => {
    const { call } = setup();
    expect((await call('GET', '/nope', { token: TOKEN })).status).toBe(404);
    const res = await call('DELETE', '/vehicles', { token: TOKEN });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET');
  });
});

describe('commands', () => {
  const cmd = (command: string, body?: string) =>
    ['POST', `/vehicles/${VIN}/commands/${command}`, { token: TOKEN, ...(body !== undefined ? { body } : {}) }] as const;

  it.each([
    [['POST', '/vehicles/NOTAVIN/commands/door_lock', { token: TOKEN }], 400, 'invalid_vin'],
    [cmd('self_destruct'), 400, 'unknown_command'],
    [cmd('__proto__'), 400, 'unknown_command'],
    [cmd('door_unlock'), 403, 'command_not_allowed'],
    [cmd('set_charge_limit', '{"percent": 101}'), 400, 'invalid_command_body'],
    [cmd('set_charge_limit', '{"percent": "80"}'), 400, 'invalid_command_body'],
    [cmd('set_charge_limit', '{}'), 400, 'invalid_command_body'],
    [cmd('door_lock', '{"extra": 1}'), 400, 'invalid_command_body'],
    [cmd('door_lock', '{not json'), 400, 'invalid_json'],
    [cmd('door_lock', '[1,2]'), 400, 'invalid_body'],
    [cmd('door_lock', `{"a":"${'x'.repeat(9000)}"}`), 400, 'body_too_large'],
  ] as Array<[readonly unknown[], number, string]>)('rejects %j with %i %s and never calls Tesla', async (args, status, code) => {
    const { call, fleet } = setup();
    const res = await call(...(args as unknown as Parameters<typeof httpEvent>));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message.length).toBeGreaterThan(5);
    expect(fleet.calls).toEqual([]);
  });

  it('names the offending field', async () => {
    const { call } = setup();
    const res = await call(...cmd('set_charge_limit', '{"percent": 20}'));
    expect(res.body.error.message).toMatch(/^percent: /);
  });

  it('sends a valid command and reports success', async () => {
    const { call, fleet } = setup();
    const res = await call(...cmd('set_charge_limit', '{"percent": 90}'));
    expect(res).toMatchObject({ status: 200, body: { vin: VIN, command: 'set_charge_limit', outcome: 'done' } });
    // The free state call first (a billed 408 is avoided for a sleeping car), then the command.
    expect(fleet.calls).toEqual([
      { method: 'getVehicle', vin: VIN },
      { method: 'sendCommand', vin: VIN, command: 'set_charge_limit', body: { percent: 90 } },
    ]);
  });

  it('treats "already in that state" as success with the reason', async () => {
    const { call, fleet } = setup();
    fleet.commandResult = () => ({ result: false, reason: 'already_set' });
    expect(await call(...cmd('set_charge_limit', '{"percent": 80}'))).toMatchObject({ status: 200, body: { outcome: 'already_done', reason: 'already_set' } });
    fleet.commandResult = () => ({ result: false, reason: 'disconnected' });
    expect(await call(...cmd('charge_start'))).toMatchObject({ status: 409, body: { error: { code: 'command_failed' } } });
  });

  it('wakes a sleeping car first (free state calls, one billed wake), then sends the command', async () => {
    const { call, fleet, commands, stores } = setup();
    const states = ['asleep', 'asleep', 'asleep', 'online'] as const;
    let seen = 0;
    fleet.getVehicle = (vin) => {
      fleet.calls.push({ method: 'getVehicle', vin });
      return Promise.resolve({ vin, displayName: null, state: states[Math.min(seen++, states.length - 1)]! });
    };
    const res = await call(...cmd('honk_horn'));
    expect(res).toMatchObject({ status: 200, body: { outcome: 'done', woke: true } });
    expect(fleet.calls.map((c) => c.method)).toEqual(['getVehicle', 'wakeUp', 'getVehicle', 'getVehicle', 'getVehicle', 'sendCommand']);
    expect(commands.entries).toEqual([expect.objectContaining({ vin: VIN, command: 'honk_horn', outcome: 'done', woke: true, transport: 'rest' })]);
    // What the command cost goes into the month's ledger, where /usage and the collector's budget see it.
    expect(await stores.getUsage(VIN, '2026-06')).toEqual({ data: 0, command: 1, wake: 1, free: 4, history: 0 });
    expect((await call('GET', `/vehicles/${VIN}/usage`, { token: TOKEN })).body).toMatchObject({ requests: { command: 1, wake: 1 }, estimatedCostUsd: 0.021 });
  });

  it('answers 503 vehicle_waking with Retry-After when the car is not online in time, and sends nothing', async () => {
    const { call, fleet, commands } = setup();
    fleet.vehicles = [{ vin: VIN, displayName: null, state: 'asleep' }];
    const res = await call(...cmd('honk_horn'));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('vehicle_waking');
    expect(res.headers['retry-after']).toBe('15');
    expect(fleet.calls.some((c) => c.method === 'sendCommand')).toBe(false);
    expect(commands.entries[0]).toMatchObject({ outcome: 'error', reason: 'vehicle_waking' });
  });

  it('wake_up on an online car is done without a billed wake', async () => {
    const { call, fleet } = setup();
    expect(await call(...cmd('wake_up'))).toMatchObject({ status: 200, body: { outcome: 'done', state: 'online', woke: false } });
    expect(fleet.calls.map((c) => c.method)).toEqual(['getVehicle']);
  });

  it('never repeats a command retried with the same Idempotency-Key, and replays its answer', async () => {
    const { call, fleet } = setup();
    const withKey = (key: string, body = '{"percent": 90}') =>
      call('POST', `/vehicles/${VIN}/commands/set_charge_limit`, { token: TOKEN, body, headers: { 'idempotency-key': key } });
    const first = await withKey('k-1');
    const again = await withKey('k-1');
    expect(first.status).toBe(200);
    expect(again).toMatchObject({ status: 200, body: first.body, headers: { 'idempotent-replayed': 'true' } });
    expect(fleet.calls.filter((c) => c.method === 'sendCommand')).toHaveLength(1);
    expect((await withKey('k-1', '{"percent": 80}')).body.error.code).toBe('idempotency_key_reused');
    expect((await withKey('bad key!')).body.error.code).toBe('invalid_idempotency_key');
  });

  it('frees the Idempotency-Key after a failure worth retrying, and waits out a 429 without paying for another', async () => {
    const { call, fleet, advance } = setup();
    let fail = true;
    fleet.sendCommand = (vin, command, body) => {
      fleet.calls.push({ method: 'sendCommand', vin, command, body });
      if (fail) return Promise.reject(new RateLimitedError(5));
      return Promise.resolve({ result: true, reason: '' });
    };
    const opts = { token: TOKEN, headers: { 'idempotency-key': 'k-2' } };
    expect((await call('POST', `/vehicles/${VIN}/commands/door_lock`, opts)).status).toBe(429);
    fail = false;
    // Tesla said 5 s: within them the API answers 429 itself, with the time left, and Tesla is not asked (nor paid).
    const callsBefore = fleet.calls.length;
    advance(2_000);
    const early = await call('POST', `/vehicles/${VIN}/commands/door_lock`, opts);
    expect(early).toMatchObject({ status: 429, headers: { 'retry-after': '3' } });
    expect(fleet.calls.length).toBe(callsBefore);
    advance(3_000);
    expect((await call('POST', `/vehicles/${VIN}/commands/door_lock`, opts)).status).toBe(200);
    expect(fleet.calls.filter((c) => c.method === 'sendCommand')).toHaveLength(2);
  });

  it('never resends a command whose answer was lost, and keeps the Idempotency-Key so a retry cannot repeat it', async () => {
    const { call, fleet, commands } = setup();
    fleet.commandResult = () => {
      throw new FleetApiUnreachableError('socket hang up');
    };
    const opts = { token: TOKEN, headers: { 'idempotency-key': 'k-3' } };
    const first = await call('POST', `/vehicles/${VIN}/commands/honk_horn`, opts);
    expect(first).toMatchObject({ status: 504, body: { error: { code: 'command_outcome_unknown' } } });
    expect(first.body.error.message).toMatch(/may have run/);
    fleet.commandResult = () => ({ result: true, reason: '' });
    const retried = await call('POST', `/vehicles/${VIN}/commands/honk_horn`, opts);
    expect(retried).toMatchObject({ status: 504, headers: { 'idempotent-replayed': 'true' } });
    expect(fleet.calls.filter((c) => c.method === 'sendCommand')).toHaveLength(1); // the horn honked at most once
    expect(commands.entries[0]).toMatchObject({ outcome: 'error', reason: 'command_outcome_unknown' });
  });

  it('says so when the stored command key is unusable, instead of a bare 500', () => {
    const { response } = errorToResponse(new CommandKeyInvalidError());
    expect(response.statusCode).toBe(503);
    expect(response.body).toMatch(/command_key_invalid.*npm run keys -- --force/);
  });

  it('lists the audit log', async () => {
    const { call } = setup();
    await call(...cmd('door_lock'));
    await call(...cmd('flash_lights'));
    const res = await call('GET', `/vehicles/${VIN}/commands`, { token: TOKEN });
    expect((res.body.commands as Array<{ command: string }>).map((c) => c.command).sort()).toEqual(['door_lock', 'flash_lights']);
    expect(res.body.commands[0]).toMatchObject({ vin: VIN, outcome: 'done', caller: { sourceIp: '127.0.0.1', userAgent: '', token: 'owner' } });
  });

  it.each([
    [new VehicleUnavailableError(VIN), 503, 'vehicle_waking', '15'],
    [new RateLimitedError(45), 429, 'tesla_rate_limited', '45'],
    [new LoginRequiredError('login_required'), 502, 'tesla_login_required', undefined],
  ])('maps %s to %i %s', async (error, status, code, retryAfter) => {
    const { call, fleet } = setup();
    fleet.sendCommand = () => Promise.reject(error);
    if (error instanceof VehicleUnavailableError) fleet.vehicles = [{ vin: VIN, displayName: null, state: 'asleep' }];
    const res = await call(...cmd('door_lock'));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.headers['retry-after']).toBe(retryAfter);
  });

  it('hides unexpected failures behind a bare 500 and logs no request data', async () => {
    const { call, fleet, logged } = setup();
    fleet.getVehicle = () => Promise.reject(new Error('db password is hunter2'));
    const res = await call(...cmd('door_lock'));
    expect(res).toEqual({ status: 500, headers: expect.anything(), body: { error: { code: 'internal_error', message: 'internal server error' } } });
    expect(logged.join('\n')).not.toContain(TOKEN);
    expect(fleet.calls.filter((c) => c.method === 'sendCommand')).toEqual([]);
  });

  it('a request killed mid-command leaves its key abandoned: 409 while it could still run, then 504, never a second send', async () => {
    const { call, fleet, advance, commands } = setup();
    fleet.sendCommand = (vin, command, body) => {
      fleet.calls.push({ method: 'sendCommand', vin, command, body });
      return new Promise(() => undefined); // no answer ever: the function is killed while it waits
    };
    const opts = { token: TOKEN, headers: { 'idempotency-key': 'k-killed' } };
    void call('POST', `/vehicles/${VIN}/commands/honk_horn`, opts);
    await eventually(
      () => Promise.resolve(fleet.calls.filter((c) => c.method === 'sendCommand').length),
      (n) => expect(n).toBe(1),
    );
    fleet.sendCommand = () => Promise.resolve({ result: true, reason: '' });
    advance(30_000);
    expect(await call('POST', `/vehicles/${VIN}/commands/honk_horn`, opts)).toMatchObject({ status: 409, body: { error: { code: 'request_in_progress' } } });
    advance(31_000);
    expect(await call('POST', `/vehicles/${VIN}/commands/honk_horn`, opts)).toMatchObject({
      status: 504,
      body: { error: { code: 'command_outcome_unknown' } },
    });
    advance(3_600_000);
    expect(await call('POST', `/vehicles/${VIN}/commands/honk_horn`, opts)).toMatchObject({ status: 504, headers: { 'idempotent-replayed': 'true' } });
    expect(commands.entries.at(-1)).toMatchObject({ outcome: 'error', reason: 'command_outcome_unknown' });
  });

  it('a key kept by the version before outcomes were kept (an HTTP answer) is replayed as it was, never sent again', async () => {
    const { call, fleet, commands } = setup();
    const opts = (key: string) => ({ token: TOKEN, headers: { 'idempotency-key': key } });
    const fingerprint = (command: string, body: unknown) =>
      createHash('sha256')
        .update(JSON.stringify([command, body]))
        .digest('hex');
    const keep = (key: string, command: string, response: unknown) =>
      commands.keys.set(`${VIN}#${key}`, { fingerprint: fingerprint(command, {}), response, claimedAt: NOW });
    keep('old-done', 'honk_horn', {
      status: 200,
      body: { vin: VIN, command: 'honk_horn', outcome: 'done', reason: '', woke: false, transport: 'rest', latencyMs: 812 },
    });
    keep('old-refused', 'flash_lights', { status: 409, body: { error: { code: 'command_failed', message: 'the car refused flash_lights: user_present' } } });
    keep('old-unknown', 'door_lock', {
      status: 504,
      body: { error: { code: 'command_outcome_unknown', message: 'door_lock was sent but no readable answer came back' } },
    });
    expect(await call('POST', `/vehicles/${VIN}/commands/honk_horn`, opts('old-done'))).toMatchObject({
      status: 200,
      headers: { 'idempotent-replayed': 'true' },
      body: { outcome: 'done', latencyMs: 812 },
    });
    expect(await call('POST', `/vehicles/${VIN}/commands/flash_lights`, opts('old-refused'))).toMatchObject({
      status: 409,
      body: { error: { code: 'command_failed', message: 'the car refused flash_lights: user_present' } },
    });
    expect(await call('POST', `/vehicles/${VIN}/commands/door_lock`, opts('old-unknown'))).toMatchObject({
      status: 504,
      body: { error: { code: 'command_outcome_unknown' } },
    });
    expect(fleet.calls).toEqual([]);
  });

  it('the audit row of a failed command says what happened: the billed wake, the transport tried, Tesla’s status', async () => {
    const { call, fleet, commands } = setup();
    fleet.vehicles = [{ vin: VIN, displayName: 'Car', state: 'asleep' }];
    fleet.wakeUp = (vin) => {
      fleet.calls.push({ method: 'wakeUp', vin });
      fleet.vehicles = [{ vin, displayName: 'Car', state: 'online' }];
      return Promise.resolve({ vin, displayName: 'Car', state: 'online' });
    };
    fleet.commandResult = () => {
      throw new UnexpectedFleetResponseError('Fleet API answered 500', 500);
    };
    expect((await call(...cmd('charge_start'))).status).toBe(504);
    expect(commands.entries.at(-1)).toMatchObject({
      command: 'charge_start',
      outcome: 'error',
      reason: 'command_outcome_unknown',
      woke: true,
      transport: 'rest',
      teslaStatus: 500,
    });
    fleet.commandResult = () => {
      throw new VehicleNotFoundError(VIN);
    };
    expect((await call(...cmd('charge_stop'))).status).toBe(404);
    expect(commands.entries.at(-1)).toMatchObject({ command: 'charge_stop', woke: false, transport: 'rest', teslaStatus: 404 });
  });

  it('answers 403 missing_scope naming the scope and what to do', async () => {
    const { call, fleet } = setup();
    fleet.commandResult = () => {
      throw new MissingScopeError(['vehicle_charging_cmds']);
    };
    const res = await call(...cmd('charge_start'));
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'missing_scope' } } });
    expect(res.body.error.message).toMatch(/vehicle_charging_cmds.*npm run login/);
  });

  it('reports an unforeseen failure while the command was on its way as an unknown outcome, never a free key', async () => {
    const { call, fleet } = setup();
    fleet.sendCommand = (vin, command, body) => {
      fleet.calls.push({ method: 'sendCommand', vin, command, body });
      return Promise.reject(new Error('db password is hunter2'));
    };
    const opts = { token: TOKEN, headers: { 'idempotency-key': 'k-unforeseen' } };
    const first = await call('POST', `/vehicles/${VIN}/commands/honk_horn`, opts);
    expect(first).toMatchObject({ status: 504, body: { error: { code: 'command_outcome_unknown' } } });
    expect(JSON.stringify(first.body)).not.toContain('hunter2');
    fleet.sendCommand = () => Promise.resolve({ result: true, reason: '' });
    expect((await call('POST', `/vehicles/${VIN}/commands/honk_horn`, opts)).status).toBe(504);
    expect(fleet.calls.filter((c) => c.method === 'sendCommand')).toHaveLength(1);
  });
});

describe('history', () => {
  async function seeded() {
    const ctx = setup();
    for (const [iso, odometer] of [
      ['2026-06-13T08:00:00Z', 100],
      ['2026-06-13T18:00:00Z', 110],
      ['2026-06-14T09:00:00Z', 125.5],
    ] as const) {
      await ctx.stores.putSnapshot(snapshotFromVehicleData(VIN, { vehicle_state: { odometer, timestamp: Date.parse(iso) } }, 0));
    }
    await ctx.stores.putVehicle({
      vin: VIN,
      displayName: 'Car',
      state: 'online',
      lastSeenAt: NOW,
      lastSnapshotAt: Date.parse('2026-06-14T09:00:00Z'),
      polling: INITIAL_MEMORY,
    });
    return ctx;
  }

  it('serves raw odometer readings and pages through them', async () => {
    const { call } = await seeded();
    const first = await call('GET', `/vehicles/${VIN}/odometer`, { token: TOKEN, query: { limit: '2' } });
    expect(first.status).toBe(200);
    expect(first.body.readings).toEqual([
      { at: '2026-06-13T08:00:00.000Z', odometer: 100 },
      { at: '2026-06-13T18:00:00.000Z', odometer: 110 },
    ]);
    const second = await call('GET', `/vehicles/${VIN}/odometer`, { token: TOKEN, query: { limit: '2', cursor: first.body.nextCursor } });
    expect(second.body.readings).toEqual([{ at: '2026-06-14T09:00:00.000Z', odometer: 125.5 }]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('serves a daily series in km over a date range', async () => {
    const { call } = await seeded();
    const res = await call('GET', `/vehicles/${VIN}/odometer`, {
      token: TOKEN,
      query: { resolution: 'day', unit: 'km', from: '2026-06-13', to: '2026-06-13' },
    });
    expect(res.body.days).toEqual([{ date: '2026-06-13', first: 160.934, last: 177.028, distance: 16.093 }]);
  });

  it.each([
    [{ from: 'yesterday' }, 'from'],
    [{ from: '2026-06-14', to: '2026-06-13' }, '`from` must not be after `to`'],
    [{ resolution: 'hour' }, 'resolution'],
    [{ unit: 'furlong' }, 'unit'],
    [{ limit: '0' }, 'limit'],
    [{ limit: 'many' }, 'limit'],
    [{ colour: 'red' }, 'colour'],
    [{ cursor: 'garbage' }, 'cursor'],
    [{ resolution: 'day', from: '2000-01-01', to: '2026-01-01' }, 'at most 3660 days'],
  ])('rejects the query %o naming %s', async (query, named) => {
    const { call } = await seeded();
    const res = await call('GET', `/vehicles/${VIN}/odometer`, { token: TOKEN, query });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(named);
  });

  it('serves the latest state, and 404 for a car never seen', async () => {
    const { call, commands } = await seeded();
    const res = await call('GET', `/vehicles/${VIN}/state`, { token: TOKEN });
    expect(res.body).toMatchObject({
      vin: VIN,
      state: 'online',
      commandSigning: 'unknown',
      snapshot: { odometerMi: 125.5, takenAt: '2026-06-14T09:00:00.000Z' },
    });
    commands.signing.set(VIN, { required: true, source: 'fleet_status', checkedAt: NOW });
    expect((await call('GET', `/vehicles/${VIN}/state`, { token: TOKEN })).body.commandSigning).toBe('required');
    expect((await call('GET', '/vehicles/5YJ3E7EB0SF000002/state', { token: TOKEN })).status).toBe(404);
    expect((await call('GET', '/vehicles', { token: TOKEN })).body.vehicles).toHaveLength(1);
  });

  it('says commands go unsigned once the car has taken a REST command (no key to sign with)', async () => {
    const { call } = await seeded();
    expect((await call('POST', `/vehicles/${VIN}/commands/door_lock`, { token: TOKEN })).status).toBe(200);
    expect((await call('GET', `/vehicles/${VIN}/state`, { token: TOKEN })).body.commandSigning).toBe('not_required');
  });

  it('a command that ran is still reported done when remembering the transport fails', async () => {
    const { call, commands } = await seeded();
    commands.putSigningStatus = () => Promise.reject(new Error('table unavailable'));
    const res = await call('POST', `/vehicles/${VIN}/commands/door_lock`, { token: TOKEN, headers: { 'idempotency-key': 'k1' } });
    expect(res).toMatchObject({ status: 200, body: { outcome: 'done' } });
  });

  it('shows what needs the owner on the car, in /vehicles and /state', async () => {
    const { call, stores } = await seeded();
    const record = (await stores.getVehicle(VIN))!;
    await stores.putVehicle({ ...record, problem: { code: 'missing_scope', message: 'the Tesla login lacks the scope vehicle_device_data', since: NOW } });
    const problem = { code: 'missing_scope', message: expect.stringContaining('vehicle_device_data'), since: new Date(NOW).toISOString() };
    expect((await call('GET', '/vehicles', { token: TOKEN })).body.vehicles[0].problem).toEqual(problem);
    expect((await call('GET', `/vehicles/${VIN}/state`, { token: TOKEN })).body.problem).toEqual(problem);
  });
});
