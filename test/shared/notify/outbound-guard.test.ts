import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChannelRejectedError, postBefore } from '../../../shared/notify/http-post';
import { addressRefusal, checkTargetUrl, guardedLookup, PUBLIC_ONLY, TargetNotAllowedError } from '../../../shared/notify/outbound-guard';

const LAN = { allowPrivateNetworks: true };

describe('notification targets never reach this machine or its network (SSRF)', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://127.0.0.1:9001/2018-06-01/runtime/invocation/next',
    'http://localhost:3000/',
    'http://app.localhost/',
    'http://[::1]/',
    'http://[::]/',
    'http://0.0.0.0/',
    'http://10.0.0.5/',
    'http://172.20.1.1/',
    'http://192.168.1.10:8123/api/webhook/x',
    'http://100.64.0.1/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://0x7f000001/',
    'http://2130706433/',
    'http://127.1/',
    'http://017700000001/',
    'http://homeassistant:8123/',
    'http://ip-10-0-0-1.ec2.internal/',
    'http://printer.local/',
  ])('%s is refused by default, naming why', (url) => {
    expect(() => checkTargetUrl(url, PUBLIC_ONLY)).toThrow(TargetNotAllowedError);
  });

  it('public hosts pass, and a local host may allow its own network, but never link-local or unspecified', () => {
    for (const url of ['https://ntfy.sh/topic', 'https://hooks.example.com/x', 'http://8.8.8.8/', 'http://[2606:4700::1111]/'])
      expect(() => checkTargetUrl(url, PUBLIC_ONLY)).not.toThrow();
    for (const url of ['http://192.168.1.10:8123/', 'http://127.0.0.1:8080/', 'http://homeassistant:8123/'])
      expect(() => checkTargetUrl(url, LAN)).not.toThrow();
    for (const url of ['http://169.254.169.254/', 'http://0.0.0.0/', 'http://[fe80::1]/', 'http://224.0.0.1/'])
      expect(() => checkTargetUrl(url, LAN)).toThrow(TargetNotAllowedError);
    expect(addressRefusal('192.168.1.1', PUBLIC_ONLY)).toMatch(/private network.*NOTIFY_ALLOW_PRIVATE_NETWORKS/);
    expect(addressRefusal('127.0.0.1', PUBLIC_ONLY)).toMatch(/loopback/);
  });

  /** A resolver that answers what a hostile DNS would. */
  const resolver = (answers: LookupAddress[]) =>
    ((_host: string, _options: unknown, callback: (e: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) => callback(null, answers)) as never;
  const look = (answers: LookupAddress[], policy = PUBLIC_ONLY) =>
    new Promise<unknown>((resolve) => guardedLookup(policy, resolver(answers))('evil.example.com', {}, (error, address) => resolve(error ?? address)));

  it('checks every address a name resolves to when connecting (a name that resolves to loopback, or rebinds to it)', async () => {
    expect(await look([{ address: '127.0.0.1', family: 4 }])).toBeInstanceOf(TargetNotAllowedError);
    expect(
      await look([
        { address: '93.184.216.34', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ]),
    ).toBeInstanceOf(TargetNotAllowedError);
    expect(await look([{ address: '::ffff:10.0.0.1', family: 6 }])).toBeInstanceOf(TargetNotAllowedError);
    expect(await look([{ address: '93.184.216.34', family: 4 }])).toBe('93.184.216.34');
  });
});

describe('what a failed delivery says', () => {
  let servers: Server[] = [];
  type Handler = (req: unknown, res: { writeHead(status: number, headers?: Record<string, string>): { end(body?: string): void } }) => void;
  let hit = 0;
  const listen = (handler: Handler): Promise<string> =>
    new Promise((resolve) => {
      const server = createServer(handler as never).listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
      servers.push(server);
    });
  let answers500 = '';
  let redirects = '';
  let closedPort = '';

  beforeAll(async () => {
    answers500 = await listen((_req, res) => res.writeHead(500).end('internal details'));
    const target = await listen((_req, res) => ((hit += 1), res.writeHead(200).end()));
    redirects = await listen((_req, res) => res.writeHead(302, { location: `${target}/` }).end());
    const spare = await listen(() => undefined);
    closedPort = spare;
    await new Promise<void>((resolve) => void servers.pop()!.close(() => resolve()));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => void s.close(() => resolve()))));
    servers = [];
  });

  const outcome = (url: string, policy = LAN) =>
    postBefore(url, Date.now() + 2_000, {}, 'x', policy).then(
      () => 'delivered',
      (error: unknown) => (error instanceof ChannelRejectedError ? error.message : `unexpected ${String(error)}`),
    );

  it('does not tell an error answer from no connection (no probing through it), and never follows a redirect', async () => {
    const failed = await outcome(answers500);
    expect(failed).toMatch(/^not delivered/);
    expect(await outcome(closedPort)).toBe(failed);
    expect(await outcome(redirects)).toBe(failed);
    expect(hit).toBe(0);
  });

  it('refuses a loopback target by default before connecting, saying why', async () => {
    expect(await outcome(answers500, PUBLIC_ONLY)).toMatch(/^refused: the host 127\.0\.0\.1 is this machine/);
  });
});
