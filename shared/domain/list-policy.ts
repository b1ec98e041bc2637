import type { VehicleSummary } from './vehicle';

/** What the collector remembers about listing the account's cars. */
export interface ListingMemory {
  lastListedAt: number | null;
  /** Since when every car has been asleep (or offline) at each listing; null when one was online. */
  allAsleepSince: number | null;
}

export const NEW_LISTING: ListingMemory = { lastListedAt: null, allAsleepSince: null };

/** Where the listing memory is kept between passes (the table in AWS and locally). */
export interface ListingMemoryStore {
  getListingMemory(): Promise<ListingMemory | null>;
  putListingMemory(memory: ListingMemory): Promise<void>;
}

/**
 * Whether this pass should list the cars. Listing is reported free and is the only way to notice a car waking, so
 * by default every pass lists. With an interval set, once every car has been asleep for that long, the cars are
 * listed only that often: a woken car is then noticed up to one interval late (its odometer has not moved while it
 * slept, so history loses nothing), and the account pays for fewer list calls if Tesla ever bills them.
 */
export function listDue(memory: ListingMemory, now: number, asleepIntervalMs: number): boolean {
  if (asleepIntervalMs <= 0 || memory.lastListedAt === null || memory.allAsleepSince === null) return true;
  if (now - memory.allAsleepSince < asleepIntervalMs) return true;
  return now - memory.lastListedAt >= asleepIntervalMs;
}

export function afterListing(memory: ListingMemory, cars: readonly VehicleSummary[], now: number): ListingMemory {
  const allAsleep = cars.length > 0 && cars.every((car) => car.state !== 'online');
  return { lastListedAt: now, allAsleepSince: allAsleep ? (memory.allAsleepSince ?? now) : null };
}
