import { chmod, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { tightenOwnerOnly, writeOwnerOnly } from '../../../shared/secrets/owner-only-file';

describe('writeOwnerOnly', () => {
  it('leaves the old content and no temporary file when the write fails part-way', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'owner-only-'));
    await writeOwnerOnly(join(dir, 'tokens.json'), 'old');
    // The rename cannot replace a folder: the failure comes after the temporary file was written and flushed.
    await mkdir(join(dir, 'blocked'));
    await expect(writeOwnerOnly(join(dir, 'blocked'), 'new')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['blocked', 'tokens.json']);
    expect(await readFile(join(dir, 'tokens.json'), 'utf8')).toBe('old');
  });

  it('writes a new file owner-only, whatever was there before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'owner-only-'));
    await writeFile(join(dir, 'key.pem'), 'loose', { mode: 0o644 });
    await writeOwnerOnly(join(dir, 'key.pem'), 'tight');
    expect((await stat(join(dir, 'key.pem'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, 'key.pem'), 'utf8')).toBe('tight');
  });
});

describe('tightenOwnerOnly', () => {
  it('makes an existing data folder owner-only through and through, and removes leftover temporary files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'data-'));
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'dynamodb'), { mode: 0o755 });
    await writeFile(join(dir, 'dynamodb', 'LOG'), 'x', { mode: 0o644 });
    await writeFile(join(dir, 'api-token'), 'x', { mode: 0o644 });
    await writeFile(join(dir, 'tesla-tokens.json.1a2b.tmp'), 'half', { mode: 0o600 });
    await tightenOwnerOnly(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'dynamodb'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'dynamodb', 'LOG'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'api-token'))).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(['api-token', 'dynamodb']);
  });
});
