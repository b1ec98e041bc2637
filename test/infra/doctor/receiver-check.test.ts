import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { receiverTlsCommands } from '../../../infra/cdk/receiver-host';
import { diagnoseReceiver, diagnoseStreamingCars, tlsProbe } from '../../../infra/doctor/receiver-check';
import { runTlsCommands } from '../../support/fake-aws-cli';

const NOW = Date.parse('2026-12-04T00:00:00Z');
const PARAMETERS = { key: '/S/receiver/tls-key', cert: '/S/receiver/tls-cert', ca: '/S/receiver/ca' };

/** TLS material as the receiver's first boot makes it, for `host`: the CA and the server's key and certificate. */
function material(host: string): { ca: string; key: string; cert: string } {
  const store = mkdtempSync(join(tmpdir(), 'ssm-'));
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  runTlsCommands(receiverTlsCommands(host, PARAMETERS, dir), store);
  return {
    ca: readFileSync(join(store, PARAMETERS.ca.replaceAll('/', '_')), 'utf8'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
    cert: readFileSync(join(dir, 'server.crt'), 'utf8'),
  };
}

let server: Server;
let port: number;
let mine: ReturnType<typeof material>;
beforeAll(async () => {
  mine = material('localhost');
  // As fleet-telemetry: TLS 1.3, and a client certificate required (none the doctor could have).
  server = createServer({
    key: mine.key,
    cert: mine.cert,
    requestCert: true,
    rejectUnauthorized: true,
    ca: [material('tesla.invalid').ca],
    minVersion: 'TLSv1.3',
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the doctor’s look at the streaming receiver (a real TLS server that requires a client certificate)', () => {
  it('sees the receiver’s certificate verify against its CA, though it has no car certificate to go on with', async () => {
    const facts = await tlsProbe('localhost', port, mine.ca);
    expect(facts).toMatchObject({ address: '127.0.0.1', authorized: true, error: null });
    expect(facts.validTo).toBeGreaterThan(NOW + 3000 * 86_400_000);
    expect(diagnoseReceiver({ host: 'localhost', expectedAddress: '127.0.0.1', tls: facts }, NOW)).toMatchObject({ verdict: 'ok' });
  });

  it('fails a certificate the cars would refuse: another CA, or another host name', async () => {
    const other = await tlsProbe('localhost', port, material('localhost').ca);
    expect(other.authorized).toBe(false);
    expect(diagnoseReceiver({ host: 'localhost', expectedAddress: '127.0.0.1', tls: other }, NOW)).toMatchObject({
      verdict: 'fail',
      message: expect.stringContaining('does not verify'),
    });
    const misnamed = await tlsProbe('127.0.0.1', port, mine.ca);
    expect(misnamed.authorized).toBe(false);
  });

  it('fails a host name that leads elsewhere than the receiver’s address, and a port that does not answer', async () => {
    const facts = await tlsProbe('localhost', port, mine.ca);
    expect(diagnoseReceiver({ host: 'localhost', expectedAddress: '203.0.113.7', tls: facts }, NOW)).toMatchObject({
      verdict: 'fail',
      fix: 'point the A record for localhost at 203.0.113.7',
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(tlsProbe('localhost', closedPort, mine.ca)).rejects.toThrow(/ECONNREFUSED/);
    expect(
      diagnoseReceiver({ host: 'telemetry.example.com', expectedAddress: '203.0.113.7', tls: { unanswered: 'Error: connect ECONNREFUSED' } }, NOW),
    ).toMatchObject({
      verdict: 'fail',
      fix: expect.stringContaining('point an A record for telemetry.example.com at 203.0.113.7'),
    });
  });

  it('warns a month before the certificate ends', () => {
    const tls = { address: '203.0.113.7', authorized: true, error: null, validTo: NOW + 10 * 86_400_000 };
    expect(diagnoseReceiver({ host: 'telemetry.example.com', expectedAddress: '203.0.113.7', tls }, NOW)).toMatchObject({ verdict: 'warn' });
  });
});

describe('the streaming cars check', () => {
  const facts = (vins: string[] | null) => ({ host: 'telemetry.example.com', expectedAddress: '203.0.113.7', tls: { unanswered: 'x' }, vins });
  it('tells the owner to configure the cars until PUT /streaming has written the allowlist, and counts them after', () => {
    expect(diagnoseStreamingCars(facts(null))).toMatchObject({ verdict: 'warn', fix: expect.stringContaining('PUT /streaming') });
    expect(diagnoseStreamingCars(facts(['5YJ3E7EA3LF760000', '5YJ3E7EA3LF760001']))).toMatchObject({
      verdict: 'ok',
      message: expect.stringContaining('2 cars'),
    });
    expect(diagnoseStreamingCars(facts([]))).toMatchObject({ verdict: 'ok', message: expect.stringContaining('stopped') });
    expect(diagnoseStreamingCars({ ...facts(null), vins: undefined })).toBeNull();
  });
});
