import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createECDH } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { FileCommandKeyStore } from '../../../shared/secrets/command-key-stores';
import { cachedCommandKey, commandKeyFromPem, CommandKeyInvalidError, generateCommandKeyPem } from '../../../shared/vcp/command-key';

describe('vehicle command key', () => {
  it('is a P-256 key whose raw halves agree with each other and with the PEM', () => {
    const key = commandKeyFromPem(generateCommandKeyPem());
    expect(key.privateRaw).toHaveLength(32);
    expect(key.publicKey).toHaveLength(65);
    expect(key.publicKey[0]).toBe(0x04);
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(key.privateRaw);
    expect(ecdh.getPublicKey()).toEqual(key.publicKey);
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('rejects anything else without echoing it', () => {
    const rsa = '-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n';
    const error = (() => {
      try {
        commandKeyFromPem(rsa);
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(CommandKeyInvalidError);
    expect(error!.message).not.toContain('not-a-key');
  });

  it('is kept in an owner-only file, and found once it exists', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'key-'));
    const store = new FileCommandKeyStore(join(dir, 'vehicle-command-key.pem'));
    let now = 0;
    const load = cachedCommandKey(store, { now: () => now });
    expect(await load()).toBeNull();
    await store.writePem(generateCommandKeyPem());
    expect((await stat(join(dir, 'vehicle-command-key.pem'))).mode & 0o777).toBe(0o600);
    expect(await load()).toBeNull(); // "no key" is remembered for a minute…
    now += 60_000;
    const found = await load(); // …then the new key is found
    expect(found?.publicKey).toHaveLength(65);
    await store.writePem(generateCommandKeyPem());
    now += 60_000;
    expect((await load())?.publicKey).toEqual(found!.publicKey); // a found key is kept five minutes
  });
});
