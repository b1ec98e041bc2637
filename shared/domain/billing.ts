import type { BillingCategory } from './fleet-api';

/** Fleet requests counted by billing category. */
export type RequestCounts = Record<BillingCategory, number>;

/**
 * Tesla's pay-per-use prices (USD per request): data 500/$1, commands 1,000/$1, wakes 50/$1. The charging history's
 * price is not published: by default it is taken to cost what data does.
 */
export const PRICE_USD: Record<BillingCategory, number> = { data: 1 / 500, command: 1 / 1000, wake: 1 / 50, free: 0, history: 1 / 500 };

/** The prices an owner may set: the calls Tesla reports free, and the charging history (USD per call). */
export interface CallPrices {
  listCallUsd?: number;
  historyCallUsd?: number;
}

/** The prices the collector and the API were given (USD per call), as costUsd takes them. */
export function callPrices(p: { listCallPriceUsd?: number; historyCallPriceUsd?: number }): CallPrices {
  return { listCallUsd: p.listCallPriceUsd ?? 0, ...(p.historyCallPriceUsd !== undefined ? { historyCallUsd: p.historyCallPriceUsd } : {}) };
}

/** Every account gets this much usage free each month. */
export const MONTHLY_CREDIT_USD = 10;

/**
 * What the counted requests cost. Tesla publishes no price for the calls it reports as free (the vehicle list, one
 * car's state): `listCallUsd` prices them (per call) for an owner who wants to budget for them, 0 by default. Nor
 * for its charging history: `historyCallUsd`, by default the data price.
 */
export function costUsd(counts: RequestCounts, prices: CallPrices = {}): number {
  const by = costByCategoryUsd(counts, prices);
  return (Object.keys(by) as BillingCategory[]).reduce((sum, c) => sum + by[c], 0);
}

/** What each kind of counted request cost (USD), at the same prices as `costUsd`. */
export function costByCategoryUsd(counts: RequestCounts, prices: CallPrices = {}): Record<BillingCategory, number> {
  const price: Record<BillingCategory, number> = { ...PRICE_USD, free: prices.listCallUsd ?? 0, history: prices.historyCallUsd ?? PRICE_USD.history };
  // A ledger item written before a category existed has no count for it.
  const of = (c: BillingCategory): number => (counts[c] ?? 0) * price[c];
  return { data: of('data'), command: of('command'), wake: of('wake'), free: of('free'), history: of('history') };
}

/**
 * Each car's share of the month's budget: the account's own calls (the vehicle list, priced only if the owner
 * prices them) are paid first, and the rest is shared equally. The collector paces each car by this, and `/usage`
 * shows it, so the two never differ.
 */
export function carBudgetUsd(monthlyBudgetUsd: number, accountSpendUsd: number, cars: number): number {
  return Math.max(0, monthlyBudgetUsd - accountSpendUsd) / Math.max(1, cars);
}

/** "2026-11" for a time in November 2026 (UTC). */
export function monthKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** How far through its (UTC) month `ms` is, 0..1. */
export function monthFraction(ms: number): number {
  const d = new Date(ms);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return (ms - start) / (end - start);
}

export interface BudgetPace {
  /** Multiplies every polling interval. */
  slowdown: number;
  /** Stop billed data requests altogether for the rest of the month. */
  exhausted: boolean;
}

/** Spend below this share of the budget is never slowed: the month's first days would otherwise look "fast". */
const FLOOR_SHARE = 0.1;
/** Keep this share of the budget for commands the owner sends. */
const RESERVE_SHARE = 0.05;

/**
 * Compares the month's spend with a straight-line pace through the month. Ahead of pace, polling slows (×2, ×4, ×8);
 * within the last 5 % of the budget, billed polling stops so commands still fit.
 */
export function budgetPace(spentUsd: number, budgetUsd: number, now: number): BudgetPace {
  if (budgetUsd <= 0) return { slowdown: 1, exhausted: true };
  if (spentUsd >= budgetUsd * (1 - RESERVE_SHARE)) return { slowdown: 8, exhausted: true };
  if (spentUsd <= budgetUsd * FLOOR_SHARE) return { slowdown: 1, exhausted: false };
  const allowed = budgetUsd * Math.max(monthFraction(now), FLOOR_SHARE);
  const pace = spentUsd / allowed;
  const slowdown = pace <= 1 ? 1 : pace <= 1.5 ? 2 : pace <= 2 ? 4 : 8;
  return { slowdown, exhausted: false };
}

export const NORMAL_PACE: BudgetPace = { slowdown: 1, exhausted: false };
