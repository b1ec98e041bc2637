import type { SettingsReader } from './settings-reader';

/** The list call's assumed price and how often to list sleeping cars (README: "The state check's price"). */
export interface ListingSettings {
  /** USD per 1,000 list or state calls; Tesla reports them free, so 0 unless you want to budget for them. */
  listCallPricePer1000Usd: number;
  /** Once every car has been asleep this long, list the cars only this often (1: every pass). */
  asleepListIntervalMinutes: number;
}

export function readListingSettings(read: SettingsReader): ListingSettings {
  return {
    listCallPricePer1000Usd: read.number('LIST_CALL_PRICE_PER_1000_USD', { min: 0, max: 100, default: 0 }),
    asleepListIntervalMinutes: read.int('ASLEEP_LIST_INTERVAL_MINUTES', { min: 1, max: 60, default: 1 }),
  };
}

/** The collector's view of the same settings. */
export function collectorListing(settings: ListingSettings): { listCallPriceUsd: number; asleepListIntervalMs: number } {
  return { listCallPriceUsd: settings.listCallPricePer1000Usd / 1000, asleepListIntervalMs: settings.asleepListIntervalMinutes > 1 ? settings.asleepListIntervalMinutes * 60_000 : 0 };
}
