import { describe, expect, it } from '@jest/globals';
import { runCollectorPass } from '../../../shared/domain/collector';
import { afterListing, listDue, NEW_LISTING, type ListingMemory } from '../../../shared/domain/list-policy';
import { ACCOUNT_SCOPE } from '../../../shared/domain/request-meter';
import { FakeFleetApi } from '../../support/fake-fleet-api';
import { MemoryStores } from '../../support/memory-stores';

const MIN = 60_000;
const asleep = [{ vin: '5YJ3E7EA3LF760000', displayName: 'A', state: 'asleep' as const }];

describe('listing sleeping cars less often', () => {
  it('lists every pass by default, and while any car is online', () => {
    expect(listDue({ lastListedAt: 0, allAsleepSince: 0 }, 60 * MIN, 0)).toBe(true);
    expect(listDue(afterListing(NEW_LISTING, [{ ...asleep[0]!, state: 'online' }], 0), MIN, 10 * MIN)).toBe(true);
  });

  it('once every car has slept for the interval, lists only once per interval', () => {
    let memory: ListingMemory = NEW_LISTING;
    const listedAt: number[] = [];
    for (let t = 0; t <= 60 * MIN; t += MIN) {
      if (!listDue(memory, t, 10 * MIN)) continue;
      listedAt.push(t / MIN);
      memory = afterListing(memory, asleep, t);
    }
    // Every minute while the cars have slept less than 10 minutes, then every 10 minutes after the last listing.
    expect(listedAt).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 19, 29, 39, 49, 59]);
  });
});

describe('the collector with a list interval and a list price', () => {
  function setup(state: 'asleep' | 'online') {
    const fleet = new FakeFleetApi();
    fleet.vehicles = [{ ...asleep[0]!, state }];
    const stores = new MemoryStores();
    let memory: ListingMemory | null = null;
    const listing = { getListingMemory: () => Promise.resolve(memory), putListingMemory: (m: ListingMemory) => Promise.resolve(void (memory = m)) };
    let now = Date.parse('2026-05-01T10:00:00Z');
    const deps = {
      fleet,
      vehicles: stores,
      snapshots: stores,
      usage: stores,
      clock: { now: () => now },
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      includeLocation: false,
      monthlyBudgetUsd: 10,
      asleepListIntervalMs: 10 * MIN,
      listing,
    };
    return { fleet, stores, deps, advance: (ms: number) => (now += ms) };
  }

  it('skips the list call while every car sleeps, and says so', async () => {
    const { fleet, deps, advance } = setup('asleep');
    const skipped: number[] = [];
    for (let i = 0; i < 30; i++) {
      if ((await runCollectorPass(deps)).listSkipped) skipped.push(i);
      advance(MIN);
    }
    expect(fleet.calls.filter((c) => c.method === 'listVehicles')).toHaveLength(30 - skipped.length);
    expect(skipped).toHaveLength(18); // listed at minutes 0–9, 19 and 29
  });

  it('counts the list calls on the account and, when priced, pays them from the budget first', async () => {
    const { stores, deps } = setup('online');
    const month = '2026-05';
    await stores.addUsage(ACCOUNT_SCOPE, month, { data: 0, command: 0, wake: 0, free: 9_000, history: 0 });
    // At $1 per 1,000 list calls the account has spent $9 of $10: the one car's share is what is left, and its data
    // reads stop within the last 5 % of that share.
    await stores.addUsage('5YJ3E7EA3LF760000', month, { data: 480, command: 0, wake: 0, free: 0, history: 0 });
    const priced = await runCollectorPass({ ...deps, listCallPriceUsd: 1 / 1000 });
    expect(priced.vehicles[0]).toMatchObject({ decision: 'skip', reason: 'budget_exhausted' });
    expect((await stores.getUsage(ACCOUNT_SCOPE, month)).free).toBe(9_001);
    const unpriced = await runCollectorPass(deps);
    expect(unpriced.vehicles[0]!.decision).not.toBe('skip');
  });
});
