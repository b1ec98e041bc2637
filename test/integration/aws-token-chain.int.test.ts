import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createRotationHandler } from '../../functions/token-rotation/create-handler';
import { FleetSimulator, SIM_CLIENT_ID } from '../../infra/simulator/fleet-simulator';
import { SimClock } from '../../infra/simulator/sim-clock';
import { HOUR_MS } from '../../shared/domain/clock';
import { LoginRequiredError } from '../../shared/domain/fleet-errors';
import { SecretsManagerRotationRenewer, SecretsManagerTokenStore } from '../../shared/secrets/secrets-manager-token-store';
import { UndiciFleetApi } from '../../shared/tesla/undici-fleet-api';
import { UndiciOAuthClient } from '../../shared/tesla/undici-oauth-client';
import { StoredAccessTokens } from '../../shared/tokens/stored-access-tokens';
import { READER_TOKEN_CACHE_MS } from '../../shared/tokens/token-bundle';
import { FakeSecretsManager } from '../support/fake-secrets-manager';
import { T0 } from '../support/sim-client';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:TeslaTokens-abc123';
let sim: FleetSimulator;
let sm: FakeSecretsManager;
let clock: SimClock;
let logs: string[];
let signals: string[];

beforeEach(async () => {
  clock = new SimClock(T0, 0);
  sim = await FleetSimulator.start({ clock });
  sm = new FakeSecretsManager(SECRET);
  const login = sim.login();
  sm.seed(
    JSON.stringify({
      clientId: SIM_CLIENT_ID,
      refreshToken: login.refresh_token,
      accessToken: login.access_token,
      accessTokenExpiresAt: clock.now() + login.expires_in * 1000,
      fleetApiBaseUrl: sim.baseUrl,
    }),
  );
  logs = [];
  signals = [];
  const capture = (level: string) => (message: string, extra?: object) => logs.push(`${level} ${message} ${JSON.stringify(extra ?? {})}`);
  const handler = createRotationHandler({
    client: new SecretsManagerClient({ region: 'eu-west-1' }),
    oauth: new UndiciOAuthClient({ authUrl: sim.baseUrl }),
    clock,
    log: { info: capture('INFO'), warn: capture('WARN'), error: capture('ERROR') },
    signals: { failed: (kind) => signals.push(kind) },
    fleetApiUrl: sim.baseUrl,
  });
  sm.rotationFunction = async (step, token) => {
    await handler({ Step: step, SecretId: SECRET, ClientRequestToken: token }, {} as Context);
  };
});

afterEach(async () => {
  sm.restore();
  await sim.stop();
});

/** One Lambda container: its own clients and caches, reading AWSCURRENT and asking for rotation when needed. */
function reader(timeoutMs = 10_000) {
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  const store = new SecretsManagerTokenStore(client, SECRET);
  const renewer = new SecretsManagerRotationRenewer(client, store, SECRET, clock, { timeoutMs, pollMs: 10 });
  // Cached as the functions cache it (a rotation period): a rotation's retired token is found by Tesla's 401.
  return new UndiciFleetApi({ baseUrl: sim.baseUrl, tokens: new StoredAccessTokens(store, renewer, clock, READER_TOKEN_CACHE_MS) });
}

function secretsIn(text: string): string[] {
  const bundle = JSON.parse(sm.current()!) as { refreshToken: string; accessToken: string };
  return [bundle.refreshToken, bundle.accessToken].filter((s) => text.includes(s));
}

describe('token chain in AWS (rotation function + readers) against the simulator', () => {
  it('20 containers whose token expired cause exactly one Tesla refresh, and all get the new token', async () => {
    const containers = Array.from({ length: 20 }, reader);
    clock.advance(8 * HOUR_MS + 1);
    const results = await Promise.all(containers.map((fleet) => fleet.listVehicles()));
    expect(results.every((r) => r.length === 1)).toBe(true);
    expect(sim.oauth.refreshCount).toBe(1);
    expect(sm.rotations).toHaveLength(1);
    expect(secretsIn(logs.join('\n'))).toEqual([]);
  });

  it('a 401 from Tesla (token revoked early) makes readers rotate and retry once', async () => {
    const fleet = reader();
    await fleet.listVehicles();
    // Someone else refreshed the chain (e.g. a second install): our access token is now invalid.
    const bundle = JSON.parse(sm.current()!) as { refreshToken: string };
    const stolen = sim.oauth.refresh(SIM_CLIENT_ID, bundle.refreshToken);
    expect(stolen.ok).toBe(true);
    await expect(fleet.listVehicles()).resolves.toHaveLength(1);
    expect(sim.oauth.refreshCount).toBe(2);
  });

  it('a warm container reads the secret once per rotation, not once a minute, and every call still works', async () => {
    const client = new SecretsManagerClient({ region: 'eu-west-1' });
    const store = new SecretsManagerTokenStore(client, SECRET);
    let reads = 0;
    const counted = { read: () => ((reads += 1), store.read()), write: () => Promise.reject(new Error('readers never write')) };
    const renewer = new SecretsManagerRotationRenewer(client, store, SECRET, clock, { timeoutMs: 5_000, pollMs: 10 });
    const fleet = new UndiciFleetApi({ baseUrl: sim.baseUrl, tokens: new StoredAccessTokens(counted, renewer, clock, READER_TOKEN_CACHE_MS) });
    // Twelve hours of a collector run every minute, with the schedule's rotations every four hours.
    for (let minute = 0; minute < 12 * 60; minute++) {
      if (minute > 0 && minute % 240 === 0) {
        await (async () => client.send(new RotateSecretCommand({ SecretId: SECRET })))();
        await Promise.all(sm.rotations.map((r) => r.done));
      }
      await expect(fleet.listVehicles()).resolves.toHaveLength(1);
      clock.advance(60_000);
    }
    // The first read, and one after each of the two rotations (Tesla's 401 for the retired token): 3, against 720.
    expect(reads).toBeLessThanOrEqual(4);
    expect(sim.oauth.refreshCount).toBe(2);
    expect(sm.failures).toEqual([]);
  });

  it('a rotation killed after Tesla answered is recovered on the re-attempt, within Tesla’s 24-hour grace', async () => {
    const original = sm.rotationFunction!;
    let kill = true;
    sm.rotationFunction = async (step, token) => {
      if (step === 'createSecret' && kill) {
        kill = false;
        // Tesla answers, then the function dies before PutSecretValue: simulate by refreshing and dropping the answer.
        const current = JSON.parse(sm.current()!) as { refreshToken: string };
        expect(sim.oauth.refresh(SIM_CLIENT_ID, current.refreshToken).ok).toBe(true);
        throw new Error('function timed out');
      }
      await original(step, token);
    };
    const before = sm.current();
    clock.advance(8 * HOUR_MS + 1);
    await expect(reader(500).listVehicles()).rejects.toThrow(/rotation did not finish/);
    expect(sm.failures).toEqual([new Error('function timed out')]);
    expect(sm.current()).toBe(before);

    clock.advance(6 * HOUR_MS); // Secrets Manager re-attempts the failed rotation later
    await sm.runRotation(sm.rotations[0]!.token);
    expect(sm.current()).not.toBe(before);
    await expect(reader().listVehicles()).resolves.toHaveLength(1);
  });

  it('after the 24-hour grace the loss is reported clearly: login_required, a signal for the alarm, an error line', async () => {
    const current = JSON.parse(sm.current()!) as { refreshToken: string };
    expect(sim.oauth.refresh(SIM_CLIENT_ID, current.refreshToken).ok).toBe(true); // answer lost
    clock.advance(25 * HOUR_MS);
    sm.versions.set('lost-chain', { value: null, stages: new Set(['AWSPENDING']) });
    await expect(sm.runRotation('lost-chain')).rejects.toBeInstanceOf(LoginRequiredError);
    expect(signals).toEqual(['login_required']);
    expect(logs.some((l) => l.startsWith('ERROR tesla login lost') && l.includes('"code":"tesla_login_required"'))).toBe(true);
    expect(logs.join('\n')).not.toContain(current.refreshToken);
  });
});

describe('a rotation stopped at every step, and in every gap between steps', () => {
  type Point =
    | 'before createSecret'
    | 'Tesla answered, then killed before the write'
    | 'after createSecret'
    | 'after setSecret'
    | 'Tesla 503 to the test call'
    | 'after testSecret'
    | 'after finishSecret';
  const POINTS: Point[] = [
    'before createSecret',
    'Tesla answered, then killed before the write',
    'after createSecret',
    'after setSecret',
    'Tesla 503 to the test call',
    'after testSecret',
    'after finishSecret',
  ];

  it.each(POINTS.map((p) => [p]))('%s: readers keep a usable token throughout, and later rotations never need a new login', async (point) => {
    const original = sm.rotationFunction!;
    let armed = true;
    sm.rotationFunction = async (step, token) => {
      const fire = (): never => {
        armed = false;
        throw new Error('function killed');
      };
      if (armed && point === 'before createSecret' && step === 'createSecret') fire();
      if (armed && point === 'Tesla answered, then killed before the write' && step === 'createSecret') {
        const current = JSON.parse(sm.current()!) as { refreshToken: string };
        expect(sim.oauth.refresh(SIM_CLIENT_ID, current.refreshToken).ok).toBe(true); // the answer is lost with the function
        fire();
      }
      if (armed && point === 'Tesla 503 to the test call' && step === 'testSecret') {
        armed = false;
        sim.failNext(/^\/api\/1\/vehicles$/, 503);
      }
      await original(step, token);
      const after = {
        'after createSecret': 'createSecret',
        'after setSecret': 'setSecret',
        'after testSecret': 'testSecret',
        'after finishSecret': 'finishSecret',
      } as Record<string, string>;
      if (armed && after[point] === step) fire();
    };

    await expect(reader().listVehicles()).resolves.toHaveLength(1);
    await new SecretsManagerClient({ region: 'eu-west-1' }).send(new RotateSecretCommand({ SecretId: SECRET }));
    await sm.rotations[0]!.done;

    // Right after the stop, and each hour through a day of failed or pending rotations, a new container can work.
    for (let hour = 0; hour <= 26; hour += 2) {
      await expect(reader(5_000).listVehicles()).resolves.toHaveLength(1);
      clock.advance(2 * HOUR_MS);
    }
    // Rotations go on as scheduled (every 4 h), past Tesla's 24-hour grace for any retired refresh token.
    for (let i = 0; i < 3; i++) {
      clock.advance(4 * HOUR_MS);
      const started = sm.rotations.length;
      // The schedule's RotateSecret (refused, and re-attempted by Secrets Manager, if a rotation is unfinished).
      await (async () => new SecretsManagerClient({ region: 'eu-west-1' }).send(new RotateSecretCommand({ SecretId: SECRET })))().catch(() => undefined);
      await Promise.all(sm.rotations.slice(started).map((r) => r.done));
    }
    await expect(reader().listVehicles()).resolves.toHaveLength(1);
    expect(signals).not.toContain('login_required');
    expect(sm.failures.filter((e) => !(e instanceof Error && e.message === 'function killed'))).toEqual([]);
    expect(secretsIn(logs.join('\n'))).toEqual([]);
  });
});

describe('the first deploy and the first login', () => {
  const unseeded = (): void => {
    sm.versions.clear();
    sm.seed('{}'); // what the stack creates: the owner has not logged in yet
  };
  const loginBundle = () => {
    const login = sim.login();
    return {
      clientId: SIM_CLIENT_ID,
      refreshToken: login.refresh_token,
      accessToken: login.access_token,
      accessTokenExpiresAt: clock.now() + login.expires_in * 1000,
      fleetApiBaseUrl: sim.baseUrl,
      updatedAt: clock.now(),
    };
  };
  const rotateNow = async (): Promise<void> => {
    const started = sm.rotations.length;
    // The fake refuses synchronously, as a mocked send may; the schedule's RotateSecret is fire and forget.
    await (async () => new SecretsManagerClient({ region: 'eu-west-1' }).send(new RotateSecretCommand({ SecretId: SECRET })))().catch(() => undefined);
    await Promise.all(sm.rotations.slice(started).map((r) => r.done));
  };

  it('creating the rotation schedule (RotateImmediately=false runs testSecret) passes on the un-seeded secret and leaves nothing pending', async () => {
    unseeded();
    sm.rotationEnabled = false;
    await expect(sm.configureRotation({ rotateImmediately: false })).resolves.toBeUndefined();
    expect(sm.strayPending()).toEqual([]);
    expect(sm.current()).toBe('{}');
    expect(signals).toEqual([]);
    expect(sim.oauth.refreshCount).toBe(0);
  });

  it('the same test passes on a secret that holds a login (a redeploy that recreates the schedule)', async () => {
    sm.rotationEnabled = false;
    const before = sm.current();
    await expect(sm.configureRotation({ rotateImmediately: false })).resolves.toBeUndefined();
    expect(sm.current()).toBe(before);
    expect(sim.oauth.refreshCount).toBe(0);
  });

  it('scheduled rotations before the first login succeed without calling Tesla or leaving a pending version; after login they rotate', async () => {
    unseeded();
    for (let i = 0; i < 3; i++) {
      await rotateNow();
      clock.advance(4 * HOUR_MS);
    }
    expect(sm.failures).toEqual([]);
    expect(signals).toEqual([]);
    expect(sm.strayPending()).toEqual([]);
    expect(sm.current()).toBe('{}');
    expect(sim.oauth.refreshCount).toBe(0);

    await new SecretsManagerTokenStore(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET).write(loginBundle());
    clock.advance(4 * HOUR_MS);
    await rotateNow();
    expect(sim.oauth.refreshCount).toBe(1);
    await expect(reader().listVehicles()).resolves.toHaveLength(1);
  });

  it('a login clears what an unfinished rotation left pending, and that older pair is never promoted', async () => {
    const original = sm.rotationFunction!;
    // A rotation that stored its pair, then stopped for good before finishSecret (Tesla retired the pair since).
    sm.rotationFunction = async (step, token) => {
      if (step === 'finishSecret') throw new Error('function killed');
      await original(step, token);
    };
    await rotateNow();
    const [stale] = sm.strayPending();
    expect(stale).toBeDefined();
    const staleValue = sm.versions.get(stale!)!.value;
    sm.rotationFunction = original;

    clock.advance(HOUR_MS);
    const login = loginBundle();
    await new SecretsManagerTokenStore(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET).write(login);
    expect(sm.strayPending()).toEqual([]);
    // A new rotation starts from the login, not from the stale pair.
    await rotateNow();
    expect(sm.current()).not.toBe(staleValue);
    expect((JSON.parse(sm.current()!) as { updatedAt: number }).updatedAt).toBeGreaterThanOrEqual(login.updatedAt);

    // Even if the label were left (an older login tool), re-attempting that rotation withdraws it instead of promoting.
    const current = sm.current();
    sm.versions.get(stale!)!.stages.add('AWSPENDING');
    await sm.runRotation(stale!);
    expect(sm.current()).toBe(current);
    expect(sm.strayPending()).toEqual([]);
    expect(logs.some((l) => l.startsWith('WARN token rotation: the pending version was withdrawn'))).toBe(true);
  });
});
