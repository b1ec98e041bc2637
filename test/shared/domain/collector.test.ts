import { describe, expect, it } from '@jest/globals';
import { runCollectorPass } from '../../../shared/domain/collector';
import type { StreamWatch } from '../../../shared/domain/telemetry/stream-watch';
import { MissingScopeError, RateLimitedError, UnexpectedFleetResponseError, VehicleUnavailableError } from '../../../shared/domain/fleet-errors';
import { teslaFixtureJson } from '../../support/fixtures';
import { FakeFleetApi } from '../../support/fake-fleet-api';
import { MemoryStores } from '../../support/memory-stores';
import { MemoryHistoryStore } from '../../support/memory-history-store';

const ONLINE = '5YJSA7E21JF230000';
const ASLEEP = '5YJ3E7EA3LF760000';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function setup() {
  const fleet = new FakeFleetApi();
  fleet.vehicles = [
    { vin: ONLINE, displayName: 'Teslarossa', state: 'online' },
    { vin: ASLEEP, displayName: 'Tessi', state: 'asleep' },
  ];
  const data = teslaFixtureJson<{ response: Record<string, unknown> }>('vehicle_data.ha-tesla_fleet-model3-online-parked.json').response;
  fleet.vehicleData = () => data;
  const stores = new MemoryStores();
  let now = Date.parse('2026-05-01T10:00:00Z');
  const clock = { now: () => now };
  const deps = { fleet, vehicles: stores, snapshots: stores, usage: stores, clock, log: silent, includeLocation: false, monthlyBudgetUsd: 10 };
  return { fleet, stores, deps, advance: (ms: number) => (now += ms) };
}

describe('collector pass', () => {
  it('fetches data only for the online car and stores its snapshot without location', async () => {
    const { fleet, stores, deps } = setup();
    const summary = await runCollectorPass(deps);

    expect(fleet.calls.filter((c) => c.method === 'getVehicleData').map((c) => c.vin)).toEqual([ONLINE]);
    expect(fleet.calls.some((c) => c.method === 'wakeUp')).toBe(false);
    expect(summary).toMatchObject({ vehiclesSeen: 2, snapshotsWritten: 1, requests: { data: 1, free: 1, wake: 0, command: 0 } });
    const stored = await stores.latestSnapshot(ONLINE);
    expect(stored?.odometerMi).toBe(6481.019282);
    expect(stored?.location).toBeNull();
    expect((await stores.getVehicle(ASLEEP))?.state).toBe('asleep');
    expect(await stores.latestSnapshot(ASLEEP)).toBeNull();
  });

  it('leaves a car that streamed in the last quarter hour to the stream, and polls it again once the stream falls silent', async () => {
    const { fleet, stores, deps, advance } = setup();
    let streamedAt: number | null = deps.clock.now() - 2 * 60_000;
    const streaming = { ...deps, streamedAt: () => Promise.resolve(streamedAt) };
    const first = await runCollectorPass(streaming);
    expect(fleet.calls.filter((c) => c.method === 'getVehicleData')).toEqual([]);
    expect(first.vehicles.find((v) => v.vin === ONLINE)).toMatchObject({ decision: 'skip', reason: 'streaming: a record 2 min ago', needsAttention: false });
    // GET /vehicles shows the streamed record as the car's newest.
    expect((await stores.getVehicle(ONLINE))?.lastSnapshotAt).toBe(streamedAt);
    // Seven hours of streaming: the car is not taken for an online car nobody reads.
    for (let hour = 0; hour < 7; hour++) {
      advance(3_600_000);
      streamedAt = deps.clock.now() - 60_000;
      await runCollectorPass(streaming);
    }
    expect((await stores.getVehicle(ONLINE))?.problem ?? null).toBeNull();
    expect(fleet.calls.filter((c) => c.method === 'getVehicleData')).toEqual([]);
    // Silent for 20 minutes (a receiver down): polled as without streaming.
    advance(20 * 60_000);
    const silentPass = await runCollectorPass(streaming);
    expect(silentPass.vehicles.find((v) => v.vin === ONLINE)?.decision).toBe('fetch');
  });

  it('flags a car that should stream but stays online without connecting, tells when its configuration ends soon, and clears once it streams', async () => {
    const { fleet, stores, deps, advance } = setup();
    const start = deps.clock.now();
    // Readings taken now (the fixture's are years old, which would flag the car stale instead).
    const read = fleet.vehicleData;
    fleet.vehicleData = (...args) => {
      const data = read(...args) as Record<string, unknown>;
      const now = deps.clock.now();
      return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, k.endsWith('_state') && typeof v === 'object' ? { ...v, timestamp: now } : v]));
    };
    let streamedAt: number | null = null;
    const watch: StreamWatch = { vin: ONLINE, configuredUntil: start + 20 * 86_400_000, connection: { connected: false, at: start - 3_600_000 } };
    const streaming = { ...deps, streamedAt: () => Promise.resolve(streamedAt), streamWatch: (vin: string) => Promise.resolve(vin === ONLINE ? watch : null) };
    const first = await runCollectorPass(streaming);
    expect(first.vehicles.find((v) => v.vin === ONLINE)).toMatchObject({ decision: 'fetch', streamingExpiresAt: watch.configuredUntil });
    expect((await stores.getVehicle(ONLINE))?.problem ?? null).toBeNull();
    let flagged = 0;
    for (let pass = 0; pass < 8; pass++) {
      advance(5 * 60_000);
      flagged += (await runCollectorPass(streaming)).vehiclesNeedingAttention;
    }
    // Online for 40 minutes and never connected: told, dated from the first pass that saw it, and counted for the
    // owner's alarm.
    expect((await stores.getVehicle(ONLINE))?.problem).toMatchObject({ code: 'streaming_silent', since: start });
    expect(flagged).toBeGreaterThan(0);
    // Found asleep by a read (the list was late to say so): not silent, and not counted.
    const awake = fleet.vehicleData;
    fleet.vehicleData = () => {
      throw new VehicleUnavailableError('vehicle unavailable', 408);
    };
    let asleepPass = null;
    for (let pass = 0; pass < 4 && asleepPass === null; pass++) {
      advance(5 * 60_000);
      const out = (await runCollectorPass(streaming)).vehicles.find((v) => v.vin === ONLINE);
      if (out?.decision === 'failed') asleepPass = out;
    }
    expect(asleepPass).toMatchObject({ state: 'asleep', needsAttention: false });
    expect([(await stores.getVehicle(ONLINE))?.problem ?? null, (await stores.getVehicle(ONLINE))?.streamSilentSince]).toEqual([null, undefined]);
    fleet.vehicleData = awake;
    // It streams again: the flag goes at the next pass the car is due.
    for (let pass = 0; pass < 4; pass++) {
      advance(5 * 60_000);
      streamedAt = deps.clock.now() - 60_000;
      await runCollectorPass(streaming);
    }
    const after = await stores.getVehicle(ONLINE);
    expect([after?.problem ?? null, after?.streamSilentSince]).toEqual([null, undefined]);
  });

  it('keeps location when the owner enabled it', async () => {
    const { stores, deps } = setup();
    await runCollectorPass({ ...deps, includeLocation: true });
    expect((await stores.latestSnapshot(ONLINE))?.location).toEqual({ latitude: -30.222626, longitude: -97.6236871 });
    expect(JSON.stringify([...stores.raw.values()])).toContain('-97.6236871');
  });

  it('keeps the whole answer with each snapshot, without any position unless location is on', async () => {
    const { stores, deps } = setup();
    await runCollectorPass(deps);
    const [raw] = [...stores.raw.values()] as Array<{ vehicle_state: { odometer: number }; drive_state: Record<string, unknown> }>;
    expect(raw!.vehicle_state.odometer).toBe(6481.019282);
    expect(Object.keys(raw!.drive_state).filter((k) => /latitude|longitude|heading|route/.test(k))).toEqual([]);
    expect(JSON.stringify(raw)).not.toContain('-97.62');
  });

  it('records one car failing without stopping the others, and backs off that car', async () => {
    const { fleet, stores, deps, advance } = setup();
    fleet.vehicles = [...fleet.vehicles, { vin: '5YJ3E7EB0SF000001', displayName: null, state: 'online' }];
    fleet.vehicleData = (vin) => {
      if (vin === ONLINE) throw new RateLimitedError(120);
      return { vehicle_state: { odometer: 10, timestamp: 1 } };
    };
    const summary = await runCollectorPass(deps);
    expect(summary.snapshotsWritten).toBe(1);
    expect(summary.vehicles.find((v) => v.vin === ONLINE)).toMatchObject({ decision: 'failed' });
    expect(summary.requests.data).toBe(2); // the 429 is billed too

    advance(60_000);
    const again = await runCollectorPass(deps);
    expect(again.vehicles.find((v) => v.vin === ONLINE)).toMatchObject({ decision: 'skip', reason: 'backing_off' });
    expect((await stores.getVehicle(ONLINE))?.polling.backoffUntil).not.toBeNull();
  });

  it('marks a car that answered 408 as asleep, and does not count 5xx as billed', async () => {
    const { fleet, stores, deps } = setup();
    fleet.vehicleData = (vin) => {
      throw vin === ONLINE ? new VehicleUnavailableError(vin) : new UnexpectedFleetResponseError('boom', 503);
    };
    const summary = await runCollectorPass(deps);
    expect((await stores.getVehicle(ONLINE))?.state).toBe('asleep');
    expect(summary.requests.data).toBe(1);
  });

  it('keeps each change of the listed state for the history (idle periods’ asleep share), not a 408 taken for sleep', async () => {
    const { fleet, deps, advance } = setup();
    const history = new MemoryHistoryStore();
    fleet.vehicleData = (vin) => {
      throw new VehicleUnavailableError(vin); // a badly connected car: online in the list, 408 to data
    };
    await runCollectorPass({ ...deps, history });
    advance(60_000);
    await runCollectorPass({ ...deps, history });
    fleet.vehicles = fleet.vehicles.map((v) => ({ ...v, state: v.vin === ONLINE ? 'asleep' : 'online' }));
    advance(60_000);
    // As the handler says from its last run: that run listed the cars at 10:01 (the records were not rewritten then).
    await runCollectorPass({ ...deps, history, lastListedAt: Date.parse('2026-05-01T10:01:00Z') });
    const seen = (vin: string) => history.stateChanges.filter((c) => c.vin === vin).map((c) => [c.at - Date.parse('2026-05-01T10:00:00Z'), c.state]);
    expect(seen(ONLINE)).toEqual([
      [0, 'online'],
      [120_000, 'asleep'],
    ]);
    expect(seen(ASLEEP)).toEqual([
      [0, 'asleep'],
      [120_000, 'online'],
    ]);
    expect((await history.getHistoryState(ONLINE))?.sleep).toEqual({ asleepSince: Date.parse('2026-05-01T10:02:00Z'), asleepMs: 0 });
    // Each change says when the list last saw the earlier state: the car woke between that list and this one.
    expect(history.stateChanges.find((c) => c.vin === ASLEEP && c.state === 'online')?.since).toBe(Date.parse('2026-05-01T10:01:00Z'));
    expect((await history.getHistoryState(ASLEEP))?.wake).toEqual({ after: Date.parse('2026-05-01T10:01:00Z') });
  });

  it('does not pay every minute for a request Tesla keeps refusing (a 403 for a missing scope)', async () => {
    const { fleet, deps, advance } = setup();
    fleet.vehicleData = () => {
      throw new UnexpectedFleetResponseError('Fleet API answered 403: missing scopes', 403);
    };
    for (let minute = 0; minute < 24 * 60; minute++) {
      await runCollectorPass(deps);
      advance(60_000);
    }
    // 1 h, 2 h, 4 h, 8 h waits, then the 16-hour one runs past the day: five billed refusals, not 1,440.
    expect(fleet.calls.filter((c) => c.method === 'getVehicleData')).toHaveLength(5);
  });

  it('keeps a missing scope on the car’s record, saying what to do, until a reading succeeds', async () => {
    const { fleet, stores, deps, advance } = setup();
    const data = fleet.vehicleData;
    fleet.vehicleData = () => {
      throw new MissingScopeError(['vehicle_device_data']);
    };
    const summary = await runCollectorPass(deps);
    expect(summary.vehicles.find((v) => v.vin === ONLINE)?.reason).toMatch(/lacks the scope vehicle_device_data/);
    expect((await stores.getVehicle(ONLINE))?.problem).toMatchObject({
      code: 'missing_scope',
      message: expect.stringMatching(/vehicle_device_data.*sign in again/),
    });
    fleet.vehicleData = data;
    advance(25 * 3_600_000);
    await runCollectorPass(deps);
    expect((await stores.getVehicle(ONLINE))?.problem).toBeNull();
  });

  it('reads a car waiting out a missing scope at the next pass once the login grants it, not an hour later', async () => {
    const { fleet, stores, deps, advance } = setup();
    const data = fleet.vehicleData;
    fleet.vehicleData = () => {
      throw new MissingScopeError(['vehicle_device_data']);
    };
    let granted: string[] = ['openid', 'offline_access'];
    const withLogin = { ...deps, grantedScopes: () => Promise.resolve(granted) };
    await runCollectorPass(withLogin);
    expect((await stores.getVehicle(ONLINE))?.problem).toMatchObject({ code: 'missing_scope', scopes: ['vehicle_device_data'] });
    fleet.vehicleData = data;
    // The owner has not signed in again yet: the car waits out its back-off.
    advance(60_000);
    expect((await runCollectorPass(withLogin)).vehicles.find((v) => v.vin === ONLINE)).toMatchObject({ decision: 'skip', reason: 'backing_off' });
    // Signed in again with the scope: the next pass reads it, and its banner goes.
    granted = [...granted, 'vehicle_device_data'];
    advance(60_000);
    expect((await runCollectorPass(withLogin)).vehicles.find((v) => v.vin === ONLINE)).toMatchObject({ decision: 'fetch', snapshotWritten: true });
    expect((await stores.getVehicle(ONLINE))?.problem).toBeNull();
  });

  it('flags a car that fails pass after pass, and one online without a reading for hours, for the owner’s alarm', async () => {
    const { fleet, stores, deps, advance } = setup();
    fleet.vehicleData = () => {
      throw new UnexpectedFleetResponseError('Fleet API answered 500', 500);
    };
    let last = await runCollectorPass(deps);
    for (let pass = 0; pass < 40 && last.vehiclesNeedingAttention === 0; pass++) {
      advance(60 * 60_000);
      last = await runCollectorPass(deps);
    }
    expect(last.vehiclesNeedingAttention).toBe(1);
    expect(last.vehicles.find((v) => v.vin === ONLINE)?.needsAttention).toBe(true);
    expect((await stores.getVehicle(ONLINE))?.polling.failureStreak).toBeGreaterThanOrEqual(5);

    // Recovered: no attention needed.
    const fresh = setup();
    expect((await runCollectorPass(fresh.deps)).vehiclesNeedingAttention).toBe(0);
    // Online, read once, then never again for 7 hours (the policy would have asked by then): flagged and explained.
    const record = (await fresh.stores.getVehicle(ONLINE))!;
    await fresh.stores.putVehicle({ ...record, polling: { ...record.polling, nextDataAt: Number.MAX_SAFE_INTEGER } });
    fresh.advance(7 * 3_600_000);
    const stale = await runCollectorPass(fresh.deps);
    expect(stale.vehicles.find((v) => v.vin === ONLINE)).toMatchObject({ decision: 'skip', needsAttention: true });
    expect((await fresh.stores.getVehicle(ONLINE))?.problem).toMatchObject({ code: 'stale_data' });
  });

  it('does not ask again when a pass is retried at once', async () => {
    const { fleet, stores, deps } = setup();
    await runCollectorPass(deps);
    await runCollectorPass(deps);
    expect(fleet.calls.filter((c) => c.method === 'getVehicleData')).toHaveLength(1);
    expect([...stores.snapshots.keys()].filter((k) => k.startsWith(ONLINE))).toHaveLength(1);
  });

  it('adds each pass’s requests to the month’s usage ledger, per car and for the account', async () => {
    const { stores, deps } = setup();
    await runCollectorPass(deps);
    expect(await stores.getUsage(ONLINE, '2026-05')).toEqual({ data: 1, command: 0, wake: 0, free: 0, history: 0 });
    expect(await stores.getUsage('ACCOUNT', '2026-05')).toEqual({ data: 0, command: 0, wake: 0, free: 1, history: 0 });
  });

  it('stops billed polling of a car whose share of the budget is spent, and slows one running ahead', async () => {
    const { fleet, stores, deps } = setup();
    await stores.addUsage(ONLINE, '2026-05', { data: 2_400, command: 0, wake: 0, free: 0, history: 0 }); // $4.80 of a $5 share
    const summary = await runCollectorPass(deps);
    expect(summary.vehicles.find((v) => v.vin === ONLINE)).toMatchObject({ decision: 'skip', reason: 'budget_exhausted' });
    expect(fleet.calls.some((c) => c.method === 'getVehicleData')).toBe(false);

    const slowed = setup();
    await slowed.stores.addUsage(ONLINE, '2026-05', { data: 600, command: 0, wake: 0, free: 0, history: 0 }); // $1.20 on May 1st
    expect((await runCollectorPass(slowed.deps)).vehicles.find((v) => v.vin === ONLINE)).toMatchObject({ decision: 'fetch', slowdown: 8 });
  });

  it('fails the pass when the car list cannot be read', async () => {
    const { fleet, deps } = setup();
    fleet.listVehicles = () => Promise.reject(new UnexpectedFleetResponseError('down', 503));
    await expect(runCollectorPass(deps)).rejects.toThrow('down');
  });
});
