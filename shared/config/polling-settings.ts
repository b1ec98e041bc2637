import { MAX_DRIVING_INTERVAL_MS, type PollingTuning } from '../domain/polling-policy';
import type { SettingsReader } from './settings-reader';

/** What the owner may tune of the polling policy (README: "Tuning the collector"). */
export interface PollingSettings {
  /**
   * How often a driving car is read, in minutes (1–14; default 5). Shorter splits drives at shorter stops and costs
   * more; any value up to 14 still reads every parking before the car sleeps.
   */
  drivingIntervalMinutes: number;
}

export function readPollingSettings(read: SettingsReader): PollingSettings {
  return { drivingIntervalMinutes: read.int('DRIVING_INTERVAL_MINUTES', { min: 1, max: MAX_DRIVING_INTERVAL_MS / 60_000, default: 5 }) };
}

/** The collector's view of the same settings. */
export function collectorPolling(settings: PollingSettings): { polling: PollingTuning } {
  return { polling: { drivingIntervalMs: settings.drivingIntervalMinutes * 60_000 } };
}
