/**
 * Tesla's per-car rate limits, as its 429 answers taught us. Every 429 is billed, so once Tesla has said "retry in
 * N seconds" for a car, the next requests of that kind wait it out here instead of paying to be told again.
 */
export type RateLimitKind = 'command' | 'wake';

export interface RateLimitMemory {
  /** Epoch ms until which requests of this kind to this car should not be sent, or null. */
  rateLimitedUntil(vin: string, kind: RateLimitKind): Promise<number | null>;
  rememberRateLimit(vin: string, kind: RateLimitKind, until: number): Promise<void>;
}

/** Seconds left to wait, rounded up; 0 once the time has passed. */
export function secondsLeft(until: number | null, now: number): number {
  return until === null || until <= now ? 0 : Math.ceil((until - now) / 1000);
}
