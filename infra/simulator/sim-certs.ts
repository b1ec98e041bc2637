import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Certificates for the simulated streaming path, made with the `openssl` command (P-256, valid 30 days): a CA named
 * as one of Tesla's vehicle issuers and a client certificate per car whose common name is its VIN, as Tesla's cars
 * present; and a server certificate for the receiver's host name. Each lives in its own new folder under `root`.
 */
/** Long enough for a local host left running for weeks: the certificates are made anew at each start. */
const VALID_DAYS = 30;

export interface Pem {
  key: string;
  cert: string;
}

export interface Ca extends Pem {
  dir: string;
}

const openssl = (dir: string, ...args: string[]) => {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing ? 'the openssl command is needed to make the simulated cars’ certificates; install OpenSSL' : `openssl ${args[0]} failed: ${String(e)}`,
      { cause: e },
    );
  }
};

export function makeCa(root: string, commonName: string): Ca {
  const dir = mkdtempSync(join(root, 'ca-'));
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
    String(VALID_DAYS),
    '-subj',
    `/CN=${commonName}`,
    '-extensions',
    'ext',
    '-config',
    config(dir, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign'),
    '-out',
    'ca.crt',
  );
  return { dir, key: readFileSync(join(dir, 'ca.key'), 'utf8'), cert: readFileSync(join(dir, 'ca.crt'), 'utf8') };
}

/** A car's certificate: its VIN as the common name, for client authentication. */
export function makeCarCert(ca: Ca, vin: string): Pem {
  return issue(ca, vin, 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature');
}

/** The receiver's certificate for its host name. */
export function makeServerCert(ca: Ca, hostName: string): Pem {
  return issue(ca, hostName, `extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:${hostName}`);
}

function issue(ca: Ca, commonName: string, extensions: string): Pem {
  const dir = mkdtempSync(join(ca.dir, 'leaf-'));
  openssl(dir, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'leaf.key');
  openssl(dir, 'req', '-new', '-key', 'leaf.key', '-subj', `/CN=${commonName}`, '-out', 'leaf.csr');
  writeFileSync(join(dir, 'ext.cnf'), `${extensions}\n`);
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    join(ca.dir, 'ca.crt'),
    '-CAkey',
    join(ca.dir, 'ca.key'),
    '-set_serial',
    `0x${randomBytes(8).toString('hex')}`,
    '-days',
    String(VALID_DAYS),
    '-sha256',
    '-extfile',
    'ext.cnf',
    '-out',
    'leaf.crt',
  );
  return { key: readFileSync(join(dir, 'leaf.key'), 'utf8'), cert: readFileSync(join(dir, 'leaf.crt'), 'utf8') };
}

/** A minimal openssl config with one extensions section, so no system config is needed (LibreSSL's lacks -addext). */
function config(dir: string, extensions: string): string {
  const file = join(dir, 'openssl.cnf');
  writeFileSync(file, `[req]\ndistinguished_name=dn\n[dn]\n[ext]\n${extensions}\n`);
  return file;
}
