import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { startLocalHost, type LocalHost } from '../../infra/local/local-host';
import { SimClock } from '../../infra/simulator/sim-clock';
import { parseLocalSettings } from '../../shared/config/local-settings';
import { MINUTE_MS } from '../../shared/domain/clock';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookSignature } from '../../shared/notify/webhook-channel';
import { T0 } from '../support/sim-client';

const VIN = '5YJ3E7EB0SF000001';
let host: LocalHost | null = null;
const servers: Server[] = [];
afterEach(async () => {
  await host?.stop();
  host = null;
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A webhook or ntfy receiver: answers each request with the next planned status (then 200), or never when 'hang'. */
async function receiver(plan: Array<number | 'hang'> = []) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const next = plan.shift() ?? 200;
      if (next !== 'hang') res.writeHead(next).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The test's receivers listen on 127.0.0.1, so the host allows its own network, as a LAN setup would. */
async function start(env: Record<string, string> = { NOTIFY_ALLOW_PRIVATE_NETWORKS: 'true' }) {
  const clock = new SimClock(T0, 0);
  host = await startLocalHost(parseLocalSettings({ DATA_DIR: await mkdtemp(join(tmpdir(), 'notify-')), PORT: '0', ...env }, process.cwd()), {
    // The car drives minutes 0–12 of each hour from T0, then parks.
    simulator: { clock, cars: [{ vin: VIN, id: 1, displayName: 'Sim', odometerMi: 1000, anchor: T0 }] },
    schedule: false,
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${host!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${host!.apiToken}` },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  /** A pass a minute, as the schedule runs them, through `minutes` minutes. */
  const passes = async (minutes: number) => {
    for (let i = 0; i < minutes; i++) {
      expect((await api('POST', '/local/collect')).status).toBe(200);
      clock.advance(MINUTE_MS);
    }
  };
  return { clock, api, passes };
}

describe('notifications on the local host', () => {
  it('a finished drive reaches the webhook once, signed so the receiver can check it, and ntfy too', async () => {
    const hook = await receiver();
    const ntfy = await receiver();
    const { api, passes } = await start();
    const set = await api('PUT', '/notifications', {
      webhook: { url: `${hook.url}/hook` },
      ntfy: { server: ntfy.url, topic: 'my-car', events: ['drive_finished'] },
    });
    expect(set.status).toBe(200);
    const secret = set.body.config.webhook.secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect((await api('GET', '/notifications')).body.config.webhook.secret).not.toContain('whsec_'); // shown once only

    await passes(30);
    const drives = hook.received.filter((r) => JSON.parse(r.body).kind === 'drive_finished');
    expect(drives).toHaveLength(1);
    const delivery = drives[0]!;
    expect(delivery.headers[SIGNATURE_HEADER]).toBe(webhookSignature(secret, String(delivery.headers[TIMESTAMP_HEADER]), delivery.body));
    expect(delivery.headers[SIGNATURE_HEADER]).not.toBe(webhookSignature('whsec_wrong', String(delivery.headers[TIMESTAMP_HEADER]), delivery.body));
    expect(JSON.parse(delivery.body)).toMatchObject({ kind: 'drive_finished', vin: VIN, data: { distanceMi: 6 } }); // 12 minutes at 30 mph
    expect(ntfy.received.map((r) => [r.path, r.body.startsWith('Parked after 6.0 mi')])).toEqual([['/my-car', true]]);

    const recent = (await api('GET', '/notifications')).body.recent as Array<{ kind: string; channel: string; status: string }>;
    expect(
      recent
        .filter((d) => d.kind === 'drive_finished')
        .map((d) => `${d.channel}:${d.status}`)
        .sort(),
    ).toEqual(['ntfy:delivered', 'webhook:delivered']);
  });

  it('a failing channel is retried with backoff on later passes, and never delivered twice', async () => {
    const hook = await receiver([500, 503]);
    const { api, passes } = await start();
    await api('PUT', '/notifications', { webhook: { url: hook.url, events: ['drive_finished'] } });
    await passes(16); // the drive ends at minute 12 and is seen at minute 15: the first attempt fails
    expect(hook.received).toHaveLength(1);
    await passes(1); // 1 minute later: the second attempt fails too
    expect(hook.received).toHaveLength(2);
    await passes(3); // then 5 minutes of backoff
    expect(hook.received).toHaveLength(2);
    await passes(4);
    expect(hook.received).toHaveLength(3);
    await passes(30);
    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => (JSON.parse(r.body) as { id: string }).id)).size).toBe(1);
  });

  it('a channel that never answers does not hold up the pass beyond its deadline, and the readings are stored', async () => {
    const hook = await receiver(['hang']);
    const { api } = await start();
    await api('PUT', '/notifications', { webhook: { url: hook.url } });
    const test = await api('POST', '/notifications/test');
    expect(test.body.results.webhook).toMatch(/^failed: not delivered: no 2xx answer within/);
    const pass = await api('POST', '/local/collect');
    expect(pass).toMatchObject({ status: 200, body: { snapshotsWritten: 1 } });
  });

  it('a test shows in the recent deliveries with how it went, and is not queued to be sent again', async () => {
    const hook = await receiver();
    const { api, passes } = await start();
    await api('PUT', '/notifications', { webhook: { url: hook.url } });
    expect((await api('POST', '/notifications/test')).body.results).toEqual({ webhook: 'delivered' });
    const recent = (await api('GET', '/notifications')).body.recent as Array<{ kind: string; channel: string; status: string; lastError: string | null }>;
    expect(recent).toEqual([expect.objectContaining({ kind: 'test', channel: 'webhook', status: 'delivered', lastError: null })]);
    await passes(2);
    expect(hook.received.filter((r) => String(r.body).includes('"kind":"test"'))).toHaveLength(1);
  });

  it('refuses bad settings with a 400 naming the field, and keeps what was there', async () => {
    const { api } = await start();
    for (const [body, field] of [
      [{ webhook: { url: 'ftp://x' } }, 'webhook.url'],
      [{ ntfy: { topic: 'has space' } }, 'ntfy.topic'],
      [{ webhook: { url: 'https://x.example', events: ['nonsense'] } }, 'webhook.events'],
      [{ unlockedMinutes: 0 }, 'unlockedMinutes'],
    ] as const) {
      const res = await api('PUT', '/notifications', body);
      expect({ field, status: res.status, named: String(res.body.error?.message).includes(field) }).toEqual({ field, status: 400, named: true });
    }
    expect((await api('GET', '/notifications')).body.config).toBeNull();
  });

  it('by default refuses targets on this machine or its network, with the reason, before sending anything', async () => {
    const hook = await receiver();
    const { api } = await start({});
    for (const url of [
      hook.url,
      'http://169.254.169.254/latest/meta-data/',
      'http://2130706433:9001/',
      'http://localhost/',
      'http://[::1]/',
      'http://192.168.1.2/',
    ]) {
      const res = await api('PUT', '/notifications', { webhook: { url } });
      expect({ url, status: res.status, code: res.body.error?.code }).toEqual({ url, status: 400, code: 'invalid_notifications' });
      expect(res.body.error.message).toMatch(/^webhook\.url: the host .* (is this machine|link-local|private network|local name)/);
    }
    expect((await api('PUT', '/notifications', { ntfy: { server: 'http://127.0.0.1:9001', topic: 't' } })).body.error.message).toMatch(/^ntfy\.server: /);
    expect(hook.received).toHaveLength(0);
  });
});
