import { memoryApiDeps } from '../../support/memory-api-deps';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from '@jest/globals';
import { createApiHandler } from '../../../functions/api/create-handler';
import { createAutomationRunnerHandler } from '../../../functions/automation-runner/create-handler';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import type { ApiDeps } from '../../../shared/http/api-deps';
import { ApiTokenVerifier } from '../../../shared/secrets/api-token-verifier';
import { httpEvent } from '../../support/api-events';
import { FakeFleetApi } from '../../support/fake-fleet-api';
import { MemoryAutomationStore } from '../../support/memory-automation-store';
import { MemoryCommandStores } from '../../support/memory-command-stores';
import { MemoryHistoryStore } from '../../support/memory-history-store';
import { MemoryStores } from '../../support/memory-stores';

const TOKEN = 'test-api-token-0123456789';
const VIN = '5YJ3E7EB0SF000001';
const NOW = Date.parse('2026-11-28T09:00:00Z');

function setup() {
  const fleet = new FakeFleetApi();
  fleet.vehicles = [{ vin: VIN, displayName: 'Car', state: 'online' }];
  const stores = new MemoryStores();
  const commands = new MemoryCommandStores();
  const automations = new MemoryAutomationStore();
  let now = NOW;
  const failures: string[] = [];
  const deps: ApiDeps = memoryApiDeps({ stores, history: new MemoryHistoryStore(), commands, fleet, clock: { now: () => now } });
  const handler = createApiHandler({ ...deps, automations: { store: automations, trigger: automations } }, new ApiTokenVerifier(() => Promise.resolve(TOKEN)));
  const runner = createAutomationRunnerHandler({
    ...deps,
    automationStore: automations,
    automationFailed: (a, run) => Promise.resolve(void failures.push(`${a.id}:${run.reason}`)),
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await handler(httpEvent(method, path, { token: TOKEN, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }), {} as Context);
    return { status: res.statusCode!, body: JSON.parse(res.body ?? 'null') };
  };
  const reading = (fields: object) =>
    stores.putSnapshot(snapshotFromVehicleData(VIN, { vehicle_state: { odometer: 100, timestamp: now - 60_000 }, ...fields }, now));
  return { fleet, stores, commands, automations, call, runner, failures, reading, advance: (ms: number) => (now += ms) };
}

const weekdayClimate = { vin: VIN, name: 'Precondition', command: 'auto_conditioning_start', schedule: { cron: '30 7 * * 1-5', timeZone: 'Europe/Berlin' } };
const sends = (fleet: FakeFleetApi) => fleet.calls.filter((c) => c.method === 'sendCommand').length;

describe('/automations', () => {
  it('creates, lists, changes and deletes an automation, its schedule following each step', async () => {
    const { call, automations } = setup();
    const created = await call('POST', '/automations', weekdayClimate);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Precondition',
      enabled: true,
      conditions: [],
      schedule: { kind: 'cron', cron: '30 7 * * 1-5', timeZone: 'Europe/Berlin' },
      nextRunAt: '2026-11-30T06:30:00.000Z',
    });
    const id = created.body.id as string;
    expect(automations.scheduled.get(id)?.command).toBe('auto_conditioning_start');
    expect((await call('GET', '/automations')).body.automations).toHaveLength(1);

    // A change keeps what it does not name: the body and conditions of a command with parameters stay.
    const limit = await call('POST', '/automations', {
      ...weekdayClimate,
      command: 'set_charge_limit',
      body: { percent: 85 },
      conditions: [{ kind: 'plugged_in' }],
    });
    expect(await call('PATCH', `/automations/${limit.body.id as string}`, { enabled: false })).toMatchObject({
      status: 200,
      body: { body: { percent: 85 }, conditions: [{ kind: 'plugged_in' }], enabled: false },
    });
    await call('DELETE', `/automations/${limit.body.id as string}`);

    const off = await call('PATCH', `/automations/${id}`, { enabled: false });
    expect(off).toMatchObject({ status: 200, body: { enabled: false, nextRunAt: null, name: 'Precondition' } });
    expect(automations.scheduled.get(id)?.enabled).toBe(false);

    expect((await call('DELETE', `/automations/${id}`)).status).toBe(200);
    expect(automations.scheduled.has(id)).toBe(false);
    expect(automations.items.has(id)).toBe(false);
    expect((await call('GET', `/automations/${id}`)).status).toBe(404);
  });

  it.each([
    [{ ...weekdayClimate, schedule: { cron: '30 7 * *', timeZone: 'Europe/Berlin' } }, 'schedule.cron'],
    [{ ...weekdayClimate, schedule: { cron: '30 7 * * 1-5', timeZone: 'Europe/Berlinn' } }, 'schedule.timeZone'],
    [{ ...weekdayClimate, command: 'door_unlock' }, 'command'],
    [{ ...weekdayClimate, command: 'launch_rocket' }, 'command'],
    [{ ...weekdayClimate, command: 'set_charge_limit', body: { percent: 30 } }, 'body.percent'],
    [{ ...weekdayClimate, command: 'set_charge_limit', body: { percent: 80, extra: 1 } }, 'body'],
    [{ ...weekdayClimate, schedule: { at: '2026-11-27T07:30', timeZone: 'Europe/Berlin' } }, 'schedule.at'],
    [{ ...weekdayClimate, schedule: { at: '2026-03-29T02:30', timeZone: 'Europe/Berlin' } }, 'schedule.at'],
    [{ ...weekdayClimate, vin: 'nope' }, 'vin'],
    [{ ...weekdayClimate, conditions: [{ kind: 'battery_below', percent: 500 }] }, 'conditions.0.percent'],
    [{ ...weekdayClimate, surprise: true }, 'surprise'],
  ])('refuses %j with a 400 naming %s, and schedules nothing', async (input, field) => {
    const { call, automations, fleet } = setup();
    const res = await call('POST', '/automations', input);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(field);
    expect(automations.scheduled.size).toBe(0);
    expect(automations.items.size).toBe(0);
    expect(fleet.calls).toEqual([]);
  });

  it('stores nothing when the schedule cannot be made', async () => {
    const { call, automations } = setup();
    automations.applyFails = new Error('scheduler down');
    expect((await call('POST', '/automations', weekdayClimate)).status).toBe(500);
    expect(automations.items.size).toBe(0);
  });
});

describe('the automation runner', () => {
  it('runs a due occurrence once through the command path, and a retried delivery never runs it again', async () => {
    const { call, runner, fleet, commands } = setup();
    const id = (await call('POST', '/automations', { ...weekdayClimate, command: 'set_charge_limit', body: { percent: 80 } })).body.id as string;
    const first = await runner({ automationId: id, occurrence: '2026-11-30T06:30:00Z' });
    expect(first).toMatchObject({ outcome: 'done' });
    const again = await runner({ automationId: id, occurrence: '2026-11-30T06:30:00Z' });
    expect(again).toEqual(first);
    expect(sends(fleet)).toBe(1);
    expect(fleet.calls.find((c) => c.method === 'sendCommand')).toMatchObject({ command: 'set_charge_limit', body: { percent: 80 } });
    expect(commands.entries).toHaveLength(1);
    expect(commands.entries[0]).toMatchObject({ source: 'automation', outcome: 'done', caller: { token: `automation:${id}` } });
    // The next occurrence is a new one.
    await runner({ automationId: id, occurrence: '2026-12-01T06:30:00Z' });
    expect(sends(fleet)).toBe(2);
    expect((await call('GET', `/automations/${id}`)).body.lastRun).toMatchObject({ outcome: 'done' });
  });

  it('skips when a condition is false, with the reason in the audit log, and asks Tesla nothing', async () => {
    const { call, runner, fleet, commands, reading } = setup();
    await reading({ charge_state: { battery_level: 85, charging_state: 'Disconnected' } });
    const id = (await call('POST', '/automations', { ...weekdayClimate, command: 'charge_start', conditions: [{ kind: 'plugged_in' }] })).body.id as string;
    const run = await runner({ automationId: id, occurrence: 'o1' });
    expect(run).toMatchObject({ outcome: 'skipped', reason: 'not_plugged_in' });
    expect(fleet.calls).toEqual([]);
    expect(commands.entries).toEqual([expect.objectContaining({ outcome: 'skipped', reason: 'not_plugged_in', source: 'automation', transport: null })]);
    // Retried: the same answer, no second audit row.
    await runner({ automationId: id, occurrence: 'o1' });
    expect(commands.entries).toHaveLength(1);
  });

  it('runs when every condition holds on the latest reading', async () => {
    const { call, runner, fleet, reading } = setup();
    await reading({ charge_state: { battery_level: 40, charging_state: 'Stopped' } });
    const id = (
      await call('POST', '/automations', {
        ...weekdayClimate,
        command: 'charge_start',
        conditions: [{ kind: 'plugged_in' }, { kind: 'battery_below', percent: 50 }],
      })
    ).body.id as string;
    expect(await runner({ automationId: id, occurrence: 'o1' })).toMatchObject({ outcome: 'done' });
    expect(sends(fleet)).toBe(1);
  });

  it('reports a failed occurrence, and does nothing for one deleted or disabled meanwhile', async () => {
    const { call, runner, fleet, failures } = setup();
    const id = (await call('POST', '/automations', weekdayClimate)).body.id as string;
    fleet.commandResult = () => ({ result: false, reason: 'disconnected' });
    expect(await runner({ automationId: id, occurrence: 'o1' })).toMatchObject({ outcome: 'failed' });
    expect(failures).toEqual([`${id}:command_failed`]);
    await call('PATCH', `/automations/${id}`, { enabled: false });
    expect(await runner({ automationId: id, occurrence: 'o2' })).toMatchObject({ outcome: 'skipped', reason: 'disabled' });
    await call('DELETE', `/automations/${id}`);
    expect(await runner({ automationId: id, occurrence: 'o3' })).toMatchObject({ outcome: 'skipped', reason: 'deleted' });
    expect(sends(fleet)).toBe(1);
  });

  it('drops a malformed event without running anything', async () => {
    const { runner, fleet } = setup();
    expect(await runner({ automationId: '../x', occurrence: 'o' })).toMatchObject({ outcome: 'rejected' });
    expect(await runner('nonsense')).toMatchObject({ outcome: 'rejected' });
    expect(fleet.calls).toEqual([]);
  });

  it('disables a one-off after its occurrence', async () => {
    const { call, runner } = setup();
    const id = (await call('POST', '/automations', { ...weekdayClimate, schedule: { at: '2026-11-28T18:00', timeZone: 'Europe/Berlin' } })).body.id as string;
    await runner({ automationId: id, occurrence: '2026-11-28T17:00:00Z' });
    expect((await call('GET', `/automations/${id}`)).body).toMatchObject({ enabled: false, nextRunAt: null, lastRun: { outcome: 'done' } });
    // It can be renamed while off; turning it on again needs a new time.
    expect((await call('PATCH', `/automations/${id}`, { name: 'done' })).status).toBe(200);
  });
});

describe('automations that could never run', () => {
  it('are refused with the real reason, not stored with no next run', async () => {
    const { buildAutomation, AutomationInputError } = await import('../../../shared/domain/automations/automation-input');
    const base = { name: 'x', vin: '5YJ3E7EB0SF000001', command: 'door_lock', body: {} };
    const context = { id: 'a1', now: Date.parse('2026-06-15T06:00:00Z'), allowedCommands: new Set(['door_lock']) };
    expect(() => buildAutomation({ ...base, schedule: { cron: '0 7 30 2 *', timeZone: 'UTC' } } as never, context)).toThrow(
      /schedule\.cron.*never runs: February has no day 30/,
    );
    expect(() => buildAutomation({ ...base, schedule: { at: '2027-02-30T07:00', timeZone: 'UTC' } } as never, context)).toThrow(AutomationInputError);
    expect(() => buildAutomation({ ...base, schedule: { at: '2027-02-30T07:00', timeZone: 'UTC' } } as never, context)).toThrow(
      /not a date and time on the calendar/,
    );
    // A time a clock change skips is still said to be that.
    expect(() => buildAutomation({ ...base, schedule: { at: '2027-03-28T02:30', timeZone: 'Europe/Berlin' } } as never, context)).toThrow(/clock change/);
  });
});
