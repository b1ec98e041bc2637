import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test certificates for simulated cars, made with real openssl: a CA named as one of Tesla's vehicle issuers, and a
 * client certificate per car whose common name is its VIN, as Tesla's cars present.
 */
export interface Pem {
  key: string;
  cert: string;
}

const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

export function makeCa(commonName: string): Pem & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'car-ca-'));
  openssl(dir, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
  openssl(
    dir,
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-sha256',
    '-days',
    '2',
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
    '-out',
    'ca.crt',
  );
  return { dir, key: readFileSync(join(dir, 'ca.key'), 'utf8'), cert: readFileSync(join(dir, 'ca.crt'), 'utf8') };
}

export function makeCarCert(ca: { dir: string }, vin: string): Pem {
  const dir = mkdtempSync(join(tmpdir(), 'car-'));
  openssl(dir, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'car.key');
  openssl(dir, 'req', '-new', '-key', 'car.key', '-subj', `/CN=${vin}`, '-out', 'car.csr');
  const ext = join(dir, 'ext.cnf');
  writeFileSync(ext, 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n');
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'car.csr',
    '-CA',
    join(ca.dir, 'ca.crt'),
    '-CAkey',
    join(ca.dir, 'ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    ext,
    '-out',
    'car.crt',
  );
  return { key: readFileSync(join(dir, 'car.key'), 'utf8'), cert: readFileSync(join(dir, 'car.crt'), 'utf8') };
}
