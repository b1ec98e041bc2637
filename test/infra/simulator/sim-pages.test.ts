import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { FleetSimulator } from '../../../infra/simulator/fleet-simulator';
import { consentPage, isDomain, keyUrl, publicKeyFromPem } from '../../../infra/simulator/sim-pages';
import { SimClock } from '../../../infra/simulator/sim-clock';
import { commandKeyFromPem, generateCommandKeyPem } from '../../../shared/vcp/command-key';

describe('the simulator’s pages', () => {
  it('escape what the request puts on the consent page', () => {
    const html = consentPage(
      new URLSearchParams({ response_type: 'code', client_id: 'x', redirect_uri: 'http://l/"><script>', state: '<b>', scope: 'openid vehicle_cmds evil<i>' }),
      'sim',
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('value="vehicle_cmds" checked');
    expect(html).not.toContain('evil');
  });

  it.each([
    ['localhost:3000', true],
    ['127.0.0.1:3000', true],
    ['tesla.example.com', true],
    ['[::1]:3000', true],
    ['evil.com/path', false],
    ['user@host', false],
    ['', false],
  ])('takes %j as a domain: %s', (text, ok) => expect(isDomain(text)).toBe(ok));

  it('fetches a loopback domain’s key over http and any other over https', () => {
    expect(keyUrl('localhost:3000')).toBe('http://localhost:3000/.well-known/appspecific/com.tesla.3p.public-key.pem');
    expect(keyUrl('tesla.example.com')).toBe('https://tesla.example.com/.well-known/appspecific/com.tesla.3p.public-key.pem');
  });

  it('reads a public key PEM as the uncompressed point the car stores', () => {
    const key = commandKeyFromPem(generateCommandKeyPem());
    expect(publicKeyFromPem(key.publicKeyPem).equals(key.publicKey)).toBe(true);
    expect(() => publicKeyFromPem('not a key')).toThrow();
  });
});

describe('pairing at /_ak/<domain>', () => {
  let sim: FleetSimulator | null = null;
  let stopKeyServer: (() => void) | null = null;
  afterEach(async () => {
    await sim?.stop();
    stopKeyServer?.();
  });

  async function keyServer(body: string, status = 200): Promise<string> {
    const server = createServer((_, res) => res.writeHead(status).end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stopKeyServer = () => server.close();
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('pairs only the ticked cars with the key the domain serves', async () => {
    sim = await FleetSimulator.start({
      clock: new SimClock(0, 0),
      cars: [
        { vin: 'V1XXXXXXXXXXXXXX1', id: 1, displayName: 'One' },
        { vin: 'V2XXXXXXXXXXXXXX2', id: 2, displayName: 'Two' },
      ],
    });
    const key = commandKeyFromPem(generateCommandKeyPem());
    const domain = await keyServer(key.publicKeyPem);
    const res = await fetch(`${sim.baseUrl}/_ak/${domain}`, { method: 'POST', body: new URLSearchParams([['vin', 'V2XXXXXXXXXXXXXX2']]) });
    expect(res.status).toBe(200);
    expect(sim.signed.get('V2XXXXXXXXXXXXXX2')!.isPaired(key.publicKey)).toBe(true);
    expect(sim.signed.get('V1XXXXXXXXXXXXXX1')!.isPaired(key.publicKey)).toBe(false);
  });

  it.each([
    ['the domain serves no key', 404, 'answered 404'],
    ['the domain serves something else', 200, 'could not get'],
  ])('pairs nothing when %s', async (_, status, message) => {
    sim = await FleetSimulator.start({ clock: new SimClock(0, 0) });
    const domain = await keyServer('nothing here', status);
    const res = await fetch(`${sim.baseUrl}/_ak/${domain}`, { method: 'POST', body: new URLSearchParams([['vin', [...sim.cars.keys()][0]!]]) });
    expect(res.status).toBe(502);
    expect(await res.text()).toContain(message);
    expect([...sim.signed.values()].every((s) => s.pairedKeys === 0)).toBe(true);
  });

  it('refuses a path that is not a domain', async () => {
    sim = await FleetSimulator.start({ clock: new SimClock(0, 0) });
    expect((await fetch(`${sim.baseUrl}/_ak/a%2Fb@c`)).status).toBe(400);
  });
});
