import { memoryApiDeps } from '../../support/memory-api-deps';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiHandler } from '../../../functions/api/create-handler';
import { ApiTokenVerifier } from '../../../shared/secrets/api-token-verifier';
import { FileReadTokenStore } from '../../../shared/secrets/read-token-stores';
import { addReadToken, parseReadTokens, ReadTokenNameError, revokeReadToken, type ReadTokenRecord } from '../../../shared/secrets/read-tokens';
import { httpEvent } from '../../support/api-events';
import { FakeFleetApi } from '../../support/fake-fleet-api';
import { MemoryCommandStores } from '../../support/memory-command-stores';
import { MemoryHistoryStore } from '../../support/memory-history-store';
import { MemoryStores } from '../../support/memory-stores';

const OWNER = 'owner-token-0123456789abcdef';
const VIN = '5YJ3E7EB0SF000001';

function setup(records: ReadTokenRecord[]) {
  const fleet = new FakeFleetApi();
  fleet.vehicles = [{ vin: VIN, displayName: 'Car', state: 'online' }];
  const stores = new MemoryStores();
  const commands = new MemoryCommandStores();
  let current = records;
  const handler = createApiHandler(
    memoryApiDeps({ stores, history: new MemoryHistoryStore(), commands, fleet, clock: { now: () => Date.parse('2026-06-15T12:00:00Z') } }),
    new ApiTokenVerifier(() => Promise.resolve({ owner: OWNER, readTokens: current }), undefined, 0),
  );
  const call = async (...args: Parameters<typeof httpEvent>) => {
    const res = await handler(httpEvent(...args), {} as Context);
    return { status: res.statusCode!, body: JSON.parse(res.body ?? 'null') };
  };
  return { fleet, commands, call, replace: (next: ReadTokenRecord[]) => (current = next) };
}

describe('read-only API tokens', () => {
  const { token: ha, records } = addReadToken([], 'ha', 0);

  it('may read history, state and usage', async () => {
    const { call } = setup(records);
    for (const path of ['/vehicles', `/vehicles/${VIN}/odometer`, `/vehicles/${VIN}/usage`, `/vehicles/${VIN}/commands`, `/vehicles/${VIN}/drives`]) {
      expect({ path, status: (await call('GET', path, { token: ha })).status }).toEqual({ path, status: 200 });
    }
  });

  it('gets 403 forbidden_for_token on commands and edits, and Tesla is never called', async () => {
    const { call, fleet, commands } = setup(records);
    for (const [method, path, body] of [
      ['POST', `/vehicles/${VIN}/commands/door_lock`, undefined],
      ['POST', `/vehicles/${VIN}/commands/set_charge_limit`, '{"percent": 2}'],
      ['PATCH', `/vehicles/${VIN}/drives/x`, '{"purpose":"business"}'],
      ['PATCH', `/vehicles/${VIN}/charges/x`, '{"cost":1}'],
    ] as const) {
      const res = await call(method, path, { token: ha, ...(body ? { body } : {}) });
      expect({ path, status: res.status, code: res.body.error.code }).toEqual({ path, status: 403, code: 'forbidden_for_token' });
      expect(res.body.error.message).toContain("'ha'");
    }
    expect(fleet.calls).toEqual([]);
    expect(commands.entries).toEqual([]);
  });

  it('may not see the notification channels (a webhook URL or an ntfy topic is itself a secret)', async () => {
    const { call } = setup(records);
    const res = await call('GET', '/notifications', { token: ha });
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 403, code: 'forbidden_for_token' });
  });

  it('the owner token still commands, and the audit log names the token that sent each command', async () => {
    const { call } = setup(records);
    expect((await call('POST', `/vehicles/${VIN}/commands/door_lock`, { token: OWNER })).status).toBe(200);
    const log = await call('GET', `/vehicles/${VIN}/commands`, { token: ha });
    expect(log.body.commands[0].caller.token).toBe('owner');
  });

  it('a revoked token is refused with 401', async () => {
    const { call, replace } = setup(records);
    expect((await call('GET', '/vehicles', { token: ha })).status).toBe(200);
    replace(revokeReadToken(records, 'ha'));
    expect((await call('GET', '/vehicles', { token: ha })).status).toBe(401);
  });

  it('a token that differs in one character, or the stored hash itself, is refused', async () => {
    const { call } = setup(records);
    const flipped = `${ha.slice(0, -1)}${ha.endsWith('A') ? 'B' : 'A'}`;
    expect((await call('GET', '/vehicles', { token: flipped })).status).toBe(401);
    expect((await call('GET', '/vehicles', { token: records[0]!.sha256 })).status).toBe(401);
  });
});

describe('read-only token records', () => {
  it('keep only a SHA-256 of the token', () => {
    const { token, records } = addReadToken([], 'dash', Date.parse('2026-01-01T00:00:00Z'));
    expect(records).toEqual([{ name: 'dash', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), createdAt: '2026-01-01T00:00:00.000Z' }]);
    expect(JSON.stringify(records)).not.toContain(token);
  });

  it.each([
    ['', /--name/],
    ['Has Space', /--name/],
    ['owner', /owner/],
    ['x'.repeat(33), /--name/],
  ])('refuses the name %j', (name, message) => {
    expect(() => addReadToken([], name, 0)).toThrow(ReadTokenNameError);
    expect(() => addReadToken([], name, 0)).toThrow(message);
  });

  it('refuses a duplicate name and revoking an unknown one', () => {
    const { records } = addReadToken([], 'ha', 0);
    expect(() => addReadToken(records, 'ha', 0)).toThrow(/exists/);
    expect(() => revokeReadToken(records, 'nope')).toThrow(/no read-only token/);
  });

  it('drops malformed stored entries instead of trusting them', () => {
    expect(parseReadTokens([{ name: 'ok', sha256: 'a'.repeat(64), createdAt: 'x' }, { name: 'bad', sha256: 'short', createdAt: 'x' }, null, 'x'])).toEqual([
      { name: 'ok', sha256: 'a'.repeat(64), createdAt: 'x' },
    ]);
    expect(parseReadTokens({ not: 'a list' })).toEqual([]);
  });

  it('are kept in an owner-only file locally', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'ro-')), 'read-tokens.json');
    const store = new FileReadTokenStore(path);
    expect(await store.read()).toEqual([]);
    const { records } = addReadToken([], 'ha', 0);
    await store.write(records);
    expect(await store.read()).toEqual(records);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(records);
  });
});
