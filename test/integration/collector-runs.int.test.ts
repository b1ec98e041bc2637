import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createCollectorHandler } from '../../functions/collector/create-handler';
import { startLocalDynamo, type LocalDynamo } from '../../infra/local/dynalite-server';
import { COLLECTOR_TIMEOUT_MS } from '../../shared/domain/collector-run';
import { LoginRequiredError } from '../../shared/domain/fleet-errors';
import type { FleetApi } from '../../shared/domain/fleet-api';
import { DynamoDbCollectorRuns } from '../../shared/store/dynamodb-collector-runs';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { NoTokenError } from '../../shared/tokens/token-refresh';
import { FakeFleetApi } from '../support/fake-fleet-api';

let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;
let table = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'runs' });
  doc = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
});
afterAll(async () => {
  await dynamo.stop();
});

/** The collector handler as the Lambda builds it, over dynalite, on a clock the test moves. */
function collector(fleet: FleetApi) {
  const tableName = 'runs';
  table += 1; // each test a day of its own, so a lease left by an earlier test has long expired
  const stores = new DynamoDbStores({ client: doc, tableName, snapshotRetentionDays: 30 });
  const runs = new DynamoDbCollectorRuns({ client: doc, tableName });
  let now = Date.parse('2026-12-01T08:00:00Z') + table * 86_400_000;
  const warnings: string[] = [];
  const log = { info: () => undefined, warn: (m: string) => void warnings.push(m), error: () => undefined };
  const handler = createCollectorHandler(
    { fleet, vehicles: stores, snapshots: stores, usage: stores, clock: { now: () => now }, log, includeLocation: false, monthlyBudgetUsd: 10 },
    { runs },
  );
  return { runs, warnings, run: () => handler(undefined, {} as never), advance: (ms: number) => (now += ms) };
}

/** A fleet whose listing waits until the test lets it go: a run that is still going. */
function heldFleet() {
  const fleet = new FakeFleetApi();
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const list = fleet.listVehicles.bind(fleet);
  fleet.listVehicles = async () => {
    await held;
    return list();
  };
  return { fleet, release: () => release() };
}

describe('collector runs (a lease in the table instead of reserved concurrency)', () => {
  it('never lets two runs overlap: the second finds the lease taken and does nothing', async () => {
    const { fleet, release } = heldFleet();
    const c = collector(fleet);
    const first = c.run();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the first has taken the lease and waits on Tesla
    c.advance(60_000);
    await expect(c.run()).resolves.toEqual({ halted: 'another_run', message: expect.any(String) });
    release();
    await expect(first).resolves.toMatchObject({ vehiclesSeen: 0 });
    expect(fleet.calls.filter((call) => call.method === 'listVehicles')).toHaveLength(1);
    expect(await c.runs.lastRun()).toMatchObject({ outcome: 'ok', vehiclesSeen: 0 });
    // Finished runs free the lease: the next minute's run goes ahead.
    c.advance(60_000);
    await expect(c.run()).resolves.toMatchObject({ vehiclesSeen: 0 });
  });

  it('frees the lease of a run that was killed once the function’s timeout has passed, and not before', async () => {
    const c = collector(new FakeFleetApi());
    const now = Date.parse('2026-12-01T08:00:00Z') + table * 86_400_000;
    // A run that died mid-pass (its process killed): it took the lease and never finished.
    expect((await c.runs.takeRunLease('killed-run', now, COLLECTOR_TIMEOUT_MS)).acquired).toBe(true);
    c.advance(60_000);
    await expect(c.run()).resolves.toMatchObject({ halted: 'another_run' });
    c.advance(COLLECTOR_TIMEOUT_MS);
    await expect(c.run()).resolves.toMatchObject({ vehiclesSeen: 0 });
    // The killed run, had it come back, cannot free the lease of the run after it.
    await c.runs.finishRun('killed-run', { startedAt: now, endedAt: now, outcome: 'failed', since: now });
    expect(await c.runs.lastRun()).toMatchObject({ outcome: 'ok' });
  });

  it('before the first login: each run ends normally as "not logged in", said once, and the next pass after login runs', async () => {
    const fleet = new FakeFleetApi();
    let loggedIn = false;
    const list = fleet.listVehicles.bind(fleet);
    fleet.listVehicles = () => (loggedIn ? list() : Promise.reject(new NoTokenError()));
    const c = collector(fleet);
    const start = Date.parse('2026-12-01T08:00:00Z') + table * 86_400_000;
    for (let minute = 0; minute < 5; minute++) {
      await expect(c.run()).resolves.toMatchObject({ halted: 'not_logged_in', message: expect.stringContaining('npm run login') });
      c.advance(60_000);
    }
    expect(c.warnings.filter((w) => /not logged in/.test(w))).toHaveLength(1);
    expect(await c.runs.lastRun()).toMatchObject({ outcome: 'not_logged_in', since: start });
    loggedIn = true;
    await expect(c.run()).resolves.toMatchObject({ vehiclesSeen: 0 });
    expect(await c.runs.lastRun()).toMatchObject({ outcome: 'ok', since: start + 5 * 60_000 });
  });

  it('a lost login is a recorded state too; any other failure fails the invocation (Lambda retries it) and is recorded', async () => {
    const fleet = new FakeFleetApi();
    let failure: Error = new LoginRequiredError('login_required');
    fleet.listVehicles = () => Promise.reject(failure);
    const c = collector(fleet);
    await expect(c.run()).resolves.toMatchObject({ halted: 'login_lost' });
    c.advance(60_000);
    failure = new Error('socket hang up');
    await expect(c.run()).rejects.toThrow('socket hang up');
    expect(await c.runs.lastRun()).toMatchObject({ outcome: 'failed', detail: 'Error: socket hang up' });
    // The lease is free again for the next scheduled run.
    c.advance(60_000);
    await expect(c.run()).rejects.toThrow('socket hang up');
  });
});

describe('recording a run', () => {
  it('a failed write of the run record never turns a good pass into a failed one', async () => {
    const fleet = new FakeFleetApi();
    const stores = new DynamoDbStores({ client: doc, tableName: 'runs', snapshotRetentionDays: 30 });
    const runs = new DynamoDbCollectorRuns({ client: doc, tableName: 'runs' });
    runs.finishRun = () => Promise.reject(new Error('ProvisionedThroughputExceededException'));
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (m: string) => void warnings.push(m), error: () => undefined };
    const now = Date.parse('2027-03-01T08:00:00Z');
    const handler = createCollectorHandler(
      { fleet, vehicles: stores, snapshots: stores, usage: stores, clock: { now: () => now }, log, includeLocation: false, monthlyBudgetUsd: 10 },
      { runs },
    );
    await expect(handler(undefined, {} as never)).resolves.toMatchObject({ vehiclesSeen: 0 });
    expect(warnings).toEqual([expect.stringContaining('not recorded')]);
  });
});
