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
