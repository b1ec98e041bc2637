import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { startLocalHost, type LocalHost } from '../../infra/local/local-host';
import { SimClock } from '../../infra/simulator/sim-clock';
import { parseLocalSettings } from '../../shared/config/local-settings';
import { MINUTE_MS } from '../../shared/domain/clock';

const VIN = '5YJ3E7EB0SF000001';
let host: LocalHost | null = null;
afterEach(async () => {
  await host?.stop();
  host = null;
});

async function start(startIso: string, dataDir?: string) {
  const clock = new SimClock(Date.parse(startIso), 0);
  host = await startLocalHost(parseLocalSettings({ DATA_DIR: dataDir ?? (await mkdtemp(join(tmpdir(), 'auto-'))), PORT: '0' }, process.cwd()), {
    simulator: { clock, cars: [{ vin: VIN, id: 1, displayName: 'Sim', odometerMi: 1000 }] },
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
  /** Moves the clock a minute at a time, ticking the local scheduler as the host does. */
  const runUntil = async (iso: string) => {
    const runs = [];
    while (clock.now() < Date.parse(iso)) {
      clock.advance(MINUTE_MS);
      for (const run of await host!.automations.tick()) runs.push({ ...run, at: new Date(run.at).toISOString() });
    }
    return runs;
  };
  return { clock, api, runUntil };
}

describe('automations on the local host, against the simulator', () => {
  it('a due automation runs once at its local time, through the command path, and is in the audit log', async () => {
    const { api, runUntil } = await start('2026-12-01T05:50:00Z');
    const created = await api('POST', '/automations', {
      vin: VIN,
      command: 'set_charge_limit',
      body: { percent: 85 },
      schedule: { at: '2026-12-01T07:00', timeZone: 'Europe/Berlin' },
    });
    expect(created.status).toBe(201);
    expect(await runUntil('2026-12-01T06:30:00Z')).toEqual([{ at: '2026-12-01T06:00:00.000Z', outcome: 'done', reason: '' }]);
    expect(host!.simulator!.car(VIN).chargeLimit).toBe(85);
    const audit = (await api('GET', `/vehicles/${VIN}/commands`)).body.commands as Array<Record<string, unknown>>;
    expect(audit).toEqual([expect.objectContaining({ command: 'set_charge_limit', outcome: 'done', source: 'automation' })]);
    expect(host!.simulator!.billing.byVehicle.get(VIN)?.command).toBe(1);
    expect((await api('GET', `/automations/${created.body.id as string}`)).body).toMatchObject({ enabled: false, lastRun: { outcome: 'done' } });
  });

  it('fires at the right local time across the autumn clock change, once on the night 01:30 happens twice', async () => {
    const { api, runUntil } = await start('2026-10-31T03:00:00Z');
    await api('POST', '/automations', { vin: VIN, command: 'flash_lights', schedule: { cron: '30 1 * * *', timeZone: 'America/New_York' } });
    const runs = await runUntil('2026-11-02T09:00:00Z');
    // 01:30 EDT (UTC-4) on the 31st and the 1st, then 01:30 EST (UTC-5): never the second 01:30 of the 1st (06:30Z).
    // (A run starts in its minute; waking the sleeping car moves the simulated clock on by seconds.)
    expect(runs.map((r) => r.at.slice(0, 16))).toEqual(['2026-10-31T05:30', '2026-11-01T05:30', '2026-11-02T06:30']);
    expect(runs.map((r) => r.outcome)).toEqual(['done', 'done', 'done']);
    expect(host!.simulator!.billing.byVehicle.get(VIN)?.command).toBe(3);
  });

  it('picks up stored automations after a restart, and a deleted one never runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'auto-'));
    const first = await start('2026-12-01T05:50:00Z', dir);
    const keep = await first.api('POST', '/automations', { vin: VIN, command: 'door_lock', schedule: { cron: '0 7 * * *', timeZone: 'Europe/Berlin' } });
    const gone = await first.api('POST', '/automations', { vin: VIN, command: 'flash_lights', schedule: { cron: '0 7 * * *', timeZone: 'Europe/Berlin' } });
    expect((await first.api('DELETE', `/automations/${gone.body.id as string}`)).status).toBe(200);
    await host!.stop();
    host = null;
    const second = await start('2026-12-01T05:55:00Z', dir);
    const runs = await second.runUntil('2026-12-01T06:05:00Z');
    expect(runs).toHaveLength(1);
    expect((await second.api('GET', `/automations/${keep.body.id as string}`)).body.lastRun).toMatchObject({ outcome: 'done' });
    expect(((await second.api('GET', `/vehicles/${VIN}/commands`)).body.commands as Array<{ command: string }>).map((c) => c.command)).toEqual(['door_lock']);
  });

  it('holds its limit of 50 under 30 parallel creates, and frees a place when one is deleted', async () => {
    const { api } = await start('2026-06-15T06:00:00Z');
    const body = (n: number) => ({ name: `a${n}`, vin: VIN, command: 'door_lock', schedule: { cron: '0 7 * * *', timeZone: 'UTC' } });
    for (let n = 0; n < 40; n++) expect((await api('POST', '/automations', body(n))).status).toBe(201);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, n) => api('POST', '/automations', body(100 + n))));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'too_many_automations')).toBe(true);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const listed = (await api('GET', '/automations')).body.automations as Array<{ id: string }>;
    expect(listed).toHaveLength(50);
    expect((await api('DELETE', `/automations/${listed[0]!.id}`)).status).toBe(200);
    expect((await api('POST', '/automations', body(999))).status).toBe(201);
    expect((await api('POST', '/automations', body(1000))).status).toBe(409);
  });
});
