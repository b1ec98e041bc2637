import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { receiverTlsCommands } from '../../../infra/cdk/receiver-host';
import { runTlsCommands } from '../../support/fake-aws-cli';

const HOST = 'telemetry.example.com';
const PARAMETERS = { key: '/Stack/receiver/tls-key', cert: '/Stack/receiver/tls-cert', ca: '/Stack/receiver/ca' };

/** Every file under a folder holding a private key. */
function privateKeysUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && readFileSync(join(e.parentPath, e.name), 'utf8').includes('PRIVATE KEY'))
    .map((e) => join(e.parentPath, e.name));
}

const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });

describe('the receiver’s TLS material, made on its first boot (real openssl, a fake AWS CLI)', () => {
  it('is a certificate for the host name only, signed by a CA whose key no longer exists', () => {
    const store = mkdtempSync(join(tmpdir(), 'ssm-'));
    const dir = mkdtempSync(join(tmpdir(), 'tls-'));
    const scratch = runTlsCommands(receiverTlsCommands(HOST, PARAMETERS, dir), store);
    const ca = join(store, PARAMETERS.ca.replaceAll('/', '_'));
    expect(openssl('verify', '-CAfile', ca, join(dir, 'server.crt')).trim()).toMatch(/: OK$/);
    const text = openssl('x509', '-in', join(dir, 'server.crt'), '-noout', '-text');
    expect(text).toContain(`DNS:${HOST}`);
    expect(text).toContain('TLS Web Server Authentication');
    expect(text).toMatch(/ASN1 OID: prime256v1/);
    expect(openssl('x509', '-in', ca, '-noout', '-text')).toMatch(/CA:TRUE, pathlen:0/);
    // The key matches the certificate; it is the only private key left where the script wrote (the CA's is gone).
    const pub = (args: string[]) => openssl(...args);
    expect(pub(['pkey', '-in', join(dir, 'server.key'), '-pubout'])).toBe(pub(['x509', '-in', join(dir, 'server.crt'), '-noout', '-pubkey']));
    expect([...privateKeysUnder(scratch), ...privateKeysUnder(dir)]).toEqual([join(dir, 'server.key')]);
  });

  it('is read back on a replaced instance: the same certificate, so the cars’ configuration (naming the CA) stays valid', () => {
    const store = mkdtempSync(join(tmpdir(), 'ssm-'));
    const first = mkdtempSync(join(tmpdir(), 'tls-'));
    const second = mkdtempSync(join(tmpdir(), 'tls-'));
    runTlsCommands(receiverTlsCommands(HOST, PARAMETERS, first), store);
    runTlsCommands(receiverTlsCommands(HOST, PARAMETERS, second), store);
    expect(readFileSync(join(second, 'server.crt'), 'utf8').trim()).toBe(readFileSync(join(first, 'server.crt'), 'utf8').trim());
    expect(readFileSync(join(second, 'server.key'), 'utf8').trim()).toBe(readFileSync(join(first, 'server.key'), 'utf8').trim());
  });
});
