import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { FileTokenStore } from '../../../shared/secrets/file-token-store';
import { TokenBundleInvalidError } from '../../../shared/tokens/token-bundle';

describe('FileTokenStore', () => {
  it('reads nothing from a missing file, then round-trips a bundle in an owner-only file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokens-'));
    const store = new FileTokenStore(join(dir, 'tokens.json'));
    expect(await store.read()).toBeNull();
    await store.write({ clientId: 'c', refreshToken: 'r1' });
    await store.write({ clientId: 'c', refreshToken: 'r2', accessToken: 'a2', accessTokenExpiresAt: 5 });
    expect(await store.read()).toEqual({ clientId: 'c', refreshToken: 'r2', accessToken: 'a2', accessTokenExpiresAt: 5 });
    expect((await stat(join(dir, 'tokens.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['tokens.json']); // no temporary file left behind
  });

  it('rejects a corrupt file naming the fields, not their values', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokens-'));
    await writeFile(join(dir, 't.json'), JSON.stringify({ clientId: '', refreshToken: 12345678 }));
    const error = await new FileTokenStore(join(dir, 't.json')).read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenBundleInvalidError);
    expect((error as Error).message).toContain('refreshToken');
    expect((error as Error).message).not.toContain('12345678');
  });
});

describe('a refresh interrupted between the temporary file and its rename', () => {
  /** What writeOwnerOnly leaves when killed after its fsync and before its rename: the whole new bundle, aside. */
  const leftover = async (dir: string, name: string, text: string): Promise<void> => writeFile(join(dir, `tokens.json.${name}.tmp`), text, { mode: 0o600 });

  it('recovers the newest complete bundle left aside, and the file then holds the refresh token Tesla still honours', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokens-'));
    const store = new FileTokenStore(join(dir, 'tokens.json'));
    await store.write({ clientId: 'c', refreshToken: 'r1-retired', updatedAt: 1_000 });
    await leftover(dir, 'a1b2c3d4e5f6', JSON.stringify({ clientId: 'c', refreshToken: 'r2-live', updatedAt: 2_000 }));
    await leftover(dir, '0f0f0f0f0f0f', '{"clientId":"c","refreshTok'); // half written: never taken
    expect(await store.recoverInterruptedWrite()).toBe(true);
    expect(await store.read()).toMatchObject({ refreshToken: 'r2-live' });
  });

  it('keeps the file when what was left aside is older, or not a bundle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokens-'));
    const store = new FileTokenStore(join(dir, 'tokens.json'));
    await store.write({ clientId: 'c', refreshToken: 'r3', updatedAt: 3_000 });
    await leftover(dir, 'a1b2c3d4e5f6', JSON.stringify({ clientId: 'c', refreshToken: 'r2', updatedAt: 2_000 }));
    await leftover(dir, 'b1b2c3d4e5f6', 'not json');
    expect(await store.recoverInterruptedWrite()).toBe(false);
    expect(await store.read()).toMatchObject({ refreshToken: 'r3' });
  });

  it('recovers a first login whose file was never renamed into place', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokens-'));
    const store = new FileTokenStore(join(dir, 'tokens.json'));
    await leftover(dir, 'a1b2c3d4e5f6', JSON.stringify({ clientId: 'c', refreshToken: 'r1' }));
    expect(await store.recoverInterruptedWrite()).toBe(true);
    expect(await store.read()).toMatchObject({ refreshToken: 'r1' });
  });
});
