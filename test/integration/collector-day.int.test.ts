import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { driveAccuracy } from '../../infra/bench/drive-accuracy';
import { startLocalDynamo, type LocalDynamo } from '../../infra/local/dynalite-server';
import { COMMUTER_PROFILE } from '../../infra/simulator/drive-profile';
import type { FleetSimulator } from '../../infra/simulator/fleet-simulator';
import { DAY_MS, MINUTE_MS } from '../../shared/domain/clock';
import { runCollectorPass } from '../../shared/domain/collector';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { SimClock } from '../../infra/simulator/sim-clock';
import { simulatorWithClient } from '../support/sim-client';

const VIN = '5YJ3E7EB0SF300001';
const START = Date.parse('2026-03-02T00:00:00Z');
let sim: FleetSimulator;
let dynamo: LocalDynamo;
let stores: DynamoDbStores;

beforeAll(async () => {
  const clock = new SimClock(START, 0);
  const ctx = await simulatorWithClient({
    clock,
    cars: [{ vin: VIN, id: 9, displayName: 'Commuter', profile: COMMUTER_PROFILE, anchor: 0, odometerMi: 5_000 }],
  });
  sim = ctx.sim;
  dynamo = await startLocalDynamo({ tableName: 'day' });
  stores = new DynamoDbStores({
    client: DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: 'day',
    snapshotRetentionDays: 30,
  });
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  for (let t = START; t < START + DAY_MS; t += MINUTE_MS) {
    clock.advance(t - clock.now());
    await runCollectorPass({
      fleet: ctx.fleet,
      vehicles: stores,
      snapshots: stores,
      usage: stores,
      clock,
      log: quiet,
      includeLocation: false,
      monthlyBudgetUsd: 10,
    });
  }
  clock.advance(START + DAY_MS - clock.now());
}, 120_000);

afterAll(async () => {
  await sim.stop();
  await dynamo.stop();
});

describe('collector over a simulated commuter day (one pass a minute)', () => {
  it('records every drive exactly, never wakes the car, and stays far inside the budget', async () => {
    const snapshots = (await stores.snapshotsBetween(VIN, { fromMs: START, toMs: START + DAY_MS, limit: 1000 })).items;
    const accuracy = driveAccuracy(sim.car(VIN).truth.trips, snapshots, { at: START, odometerMi: 5_000 }, START + DAY_MS);
    expect(accuracy.drivesDriven).toBe(3);
    expect(accuracy.drivesRecorded).toBe(3);
    expect(accuracy.largestObservedErrorMi).toBeLessThanOrEqual(0.1);

    const billed = sim.billing.byVehicle.get(VIN)!;
    expect(billed.wake).toBe(0);
    // ≤ 1,000 a month is ≤ ~33 a day; this first day also reads the car it finds awake at midnight, twice.
    expect(billed.data).toBeLessThanOrEqual(33 + 2);
    // The ledger agrees with what the simulator billed.
    expect(await stores.getUsage(VIN, '2026-03')).toEqual(billed);
  });

  it('lets the car sleep: at most a few minutes a day kept awake by polling', () => {
    expect(sim.car(VIN).awakeByPollingMs).toBeLessThanOrEqual(30 * MINUTE_MS);
  });

  it('serves the day’s distance from the rollup', async () => {
    const { days } = await stores.dayRollups(VIN, '2026-03-02', '2026-03-02');
    const trips = sim.car(VIN).truth.trips.filter((t) => t.endOdometerMi !== null);
    const driven = trips.reduce((sum, t) => sum + (t.endOdometerMi! - t.startOdometerMi), 0);
    expect(days).toHaveLength(1);
    expect(days[0]!.lastOdometerMi - days[0]!.firstOdometerMi).toBeCloseTo(driven, 1);
  });
});
