import type { BillingCategory } from '../../shared/domain/fleet-api';
import { emptyCounts, type RequestCounts } from '../../shared/domain/request-meter';
import type { Clock } from '../../shared/domain/clock';

/** Per vehicle per minute, shared by all apps of the account (the Fleet API's documented limits). */
export const RATE_LIMITS: Record<Exclude<BillingCategory, 'free'>, number> = { data: 60, command: 30, wake: 3, history: 60 };
const WINDOW_MS = 60_000;

/** Sliding one-minute windows per vehicle and category. */
export class SimRateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  /** Null when allowed (and counted); otherwise the seconds until the next request would be allowed. */
  take(vin: string, category: BillingCategory): number | null {
    if (category === 'free') return null;
    const now = this.clock.now();
    const key = `${vin}:${category}`;
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
    if (recent.length >= RATE_LIMITS[category]) {
      this.hits.set(key, recent);
      return Math.max(1, Math.ceil((recent[0]! + WINDOW_MS - now) / 1000));
    }
    recent.push(now);
    this.hits.set(key, recent);
    return null;
  }
}

/** What the simulated account would be billed: every answer below 500, by category, in total and per vehicle. */
export class SimBilling {
  readonly total: RequestCounts = emptyCounts();
  readonly byVehicle = new Map<string, RequestCounts>();

  record(category: BillingCategory, status: number, vin: string | null): void {
    if (status >= 500) return;
    this.total[category] += 1;
    if (vin === null) return;
    const counts = this.byVehicle.get(vin) ?? emptyCounts();
    counts[category] += 1;
    this.byVehicle.set(vin, counts);
  }

  toJSON(): { total: RequestCounts; byVehicle: Record<string, RequestCounts> } {
    return { total: { ...this.total }, byVehicle: Object.fromEntries(this.byVehicle) };
  }
}
