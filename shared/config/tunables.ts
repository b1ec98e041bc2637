import { MONTHLY_CREDIT_USD } from '../domain/billing';
import * as z from 'zod';
import { COMMAND_NAMES, DEFAULT_ALLOWED_COMMANDS, type CommandName } from '../domain/commands/catalogue';
import { MAX_DRIVING_INTERVAL_MS, type PollingTuning } from '../domain/polling-policy';
import type { SettingsReader } from './settings-reader';
import { tileUrlProblem } from './tile-url';

/**
 * The settings an owner tunes, defined once: each one's name (the deploy config's key and the settings' field),
 * its environment variable (the local host's, and what the stack sets on the functions), its limits, default and
 * meaning, and the benchmark flag that tries it. The deploy config's schema, the stack's environment, both settings
 * readers, the bench's flags and the settings table in the docs all come from here (test/shared/config checks the
 * docs' table).
 */
interface Common {
  env: string;
  meaning: string;
  /** `npm run bench:month -- --<flag>` tries other values. */
  benchFlag?: string;
}
export type Tunable =
  | (Common & { kind: 'int' | 'number'; min: number; max: number; default: number })
  | (Common & { kind: 'optional-number'; min: number; max: number })
  | (Common & { kind: 'bool'; default: boolean })
  | (Common & { kind: 'commands' })
  | (Common & { kind: 'tile-url' });

export const TUNABLES = {
  snapshotRetentionDays: {
    kind: 'int',
    env: 'SNAPSHOT_RETENTION_DAYS',
    min: 1,
    max: 3650,
    default: 400,
    meaning: 'raw snapshots expire after this many days (DynamoDB TTL in AWS, not locally); daily rollups, drives and the logbook are kept',
  },
  includeLocation: { kind: 'bool', env: 'INCLUDE_LOCATION', default: false, meaning: 'also request and store the car’s location' },
  mapTileUrl: {
    kind: 'tile-url',
    env: 'MAP_TILE_URL',
    meaning:
      'map tiles behind the dashboard’s drive map (`https://host/{z}/{x}/{y}.png`; https, a public host); unset: the route on a plain grid, and no third-party host',
  },
  allowedCommands: {
    kind: 'commands',
    env: 'ALLOWED_COMMANDS',
    meaning: 'comma-separated command allow-list (default: all but door_unlock, remote_start_drive, window_control)',
  },
  monthlyBudgetUsd: {
    kind: 'number',
    env: 'MONTHLY_BUDGET_USD',
    min: 0,
    max: 10_000,
    default: MONTHLY_CREDIT_USD,
    meaning: 'the account’s monthly Tesla budget: the account’s own calls are paid first, the rest shared equally by its cars',
  },
  pricePerKwh: {
    kind: 'optional-number',
    env: 'PRICE_PER_KWH',
    min: 0,
    max: 10,
    meaning: 'what a kWh costs you (your currency), for the cost of charging sessions; unset: only costs set by hand',
  },
  listCallPricePer1000Usd: {
    kind: 'number',
    env: 'LIST_CALL_PRICE_PER_1000_USD',
    min: 0,
    max: 100,
    default: 0,
    benchFlag: 'list-price',
    meaning: 'what 1,000 list or state calls cost, if you budget for them (Tesla reports them free)',
  },
  superchargerCosts: {
    kind: 'bool',
    env: 'SUPERCHARGER_COSTS',
    default: true,
    meaning: 'read Tesla’s charging history after a DC session (at most every 6 h, only while a session awaits its bill) for Tesla’s billed cost',
  },
  chargingHistoryPricePer1000Usd: {
    kind: 'number',
    env: 'CHARGING_HISTORY_PRICE_PER_1000_USD',
    min: 0,
    max: 100,
    default: 2,
    meaning: 'what 1,000 charging-history calls cost (Tesla publishes no price: the data price unless you know better)',
  },
  asleepListIntervalMinutes: {
    kind: 'int',
    env: 'ASLEEP_LIST_INTERVAL_MINUTES',
    min: 1,
    max: 60,
    default: 1,
    benchFlag: 'asleep-list-minutes',
    meaning: 'once every car has been asleep this long, list the cars only this often (1: every pass)',
  },
  drivingIntervalMinutes: {
    kind: 'int',
    env: 'DRIVING_INTERVAL_MINUTES',
    min: 1,
    max: MAX_DRIVING_INTERVAL_MS / 60_000,
    default: 5,
    benchFlag: 'driving-interval',
    meaning:
      'how often a driving car is read: shorter splits drives at shorter stops and costs more; any value still reads every parking before the car sleeps',
  },
} as const satisfies Record<string, Tunable>;

export type TunableName = keyof typeof TUNABLES;

/** The tuned values, as every function and the local host read them. */
export interface Tunables {
  snapshotRetentionDays: number;
  includeLocation: boolean;
  mapTileUrl: string | null;
  allowedCommands: ReadonlySet<string>;
  monthlyBudgetUsd: number;
  pricePerKwh: number | null;
  listCallPricePer1000Usd: number;
  superchargerCosts: boolean;
  chargingHistoryPricePer1000Usd: number;
  asleepListIntervalMinutes: number;
  drivingIntervalMinutes: number;
}

export function readTunables(read: SettingsReader): Tunables {
  const value = (name: TunableName): unknown => {
    const t: Tunable = TUNABLES[name];
    switch (t.kind) {
      case 'int':
        return read.int(t.env, t);
      case 'number':
        return read.number(t.env, t);
      case 'optional-number':
        return read.optionalNumber(t.env, t);
      case 'bool':
        return read.bool(t.env, t.default);
      case 'commands':
        return read.list(t.env, new Set(COMMAND_NAMES), DEFAULT_ALLOWED_COMMANDS);
      case 'tile-url':
        return read.checked(t.env, tileUrlProblem) ?? null;
    }
  };
  return Object.fromEntries(Object.keys(TUNABLES).map((name) => [name, value(name as TunableName)])) as unknown as Tunables;
}

type SchemaFor<T> = T extends { kind: 'int' | 'number' }
  ? z.ZodType<number>
  : T extends { kind: 'optional-number' }
    ? z.ZodType<number | undefined>
    : T extends { kind: 'bool' }
      ? z.ZodType<boolean>
      : T extends { kind: 'tile-url' }
        ? z.ZodType<string | undefined>
        : z.ZodType<CommandName[]>;

function schemaFor(t: Tunable): z.ZodType {
  switch (t.kind) {
    case 'int':
      return z.coerce.number().int().min(t.min).max(t.max).default(t.default);
    case 'number':
      return z.coerce.number().min(t.min).max(t.max).default(t.default);
    case 'optional-number':
      return z.coerce.number().min(t.min).max(t.max).optional();
    case 'bool':
      return z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean()).default(t.default);
    case 'tile-url':
      return z
        .string()
        .superRefine((v, ctx) => {
          const problem = tileUrlProblem(v);
          if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
        })
        .optional();
    case 'commands':
      return z
        .preprocess(
          (v) =>
            typeof v === 'string'
              ? v
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean)
              : v,
          z.array(z.enum(COMMAND_NAMES)),
        )
        .default([...DEFAULT_ALLOWED_COMMANDS]);
  }
}

/** The deploy config's keys for the tuned settings (`deploy.config.json`), checked at synth with the same limits. */
export function tunablesDeploySchema(): { [K in TunableName]: SchemaFor<(typeof TUNABLES)[K]> } {
  return Object.fromEntries(Object.entries(TUNABLES).map(([name, t]) => [name, schemaFor(t)])) as unknown as {
    [K in TunableName]: SchemaFor<(typeof TUNABLES)[K]>;
  };
}

/** The environment the stack sets on its functions, from the deploy config's values (unset optional ones left out). */
export function tunablesEnvironment(values: { [K in TunableName]?: string | number | boolean | Iterable<string> | null }): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, t] of Object.entries(TUNABLES) as Array<[TunableName, Tunable]>) {
    const v = values[name];
    if (v === undefined || v === null) continue;
    env[t.env] = typeof v === 'object' ? [...v].join(',') : String(v);
  }
  return env;
}

/** The tuned values the collector takes (the API prices with the same ones). */
export type CollectorTunable =
  'listCallPricePer1000Usd' | 'chargingHistoryPricePer1000Usd' | 'superchargerCosts' | 'asleepListIntervalMinutes' | 'drivingIntervalMinutes';

/** What the collector and the API take from the tuned values, in their own units. */
export function collectorTuning(t: Pick<Tunables, CollectorTunable>): {
  listCallPriceUsd: number;
  historyCallPriceUsd: number;
  superchargerCosts: boolean;
  asleepListIntervalMs: number;
  polling: PollingTuning;
} {
  return {
    listCallPriceUsd: t.listCallPricePer1000Usd / 1000,
    historyCallPriceUsd: t.chargingHistoryPricePer1000Usd / 1000,
    superchargerCosts: t.superchargerCosts,
    asleepListIntervalMs: t.asleepListIntervalMinutes > 1 ? t.asleepListIntervalMinutes * 60_000 : 0,
    polling: { drivingIntervalMs: t.drivingIntervalMinutes * 60_000 },
  };
}

/** The docs' settings table: one row per tuned setting, with its deploy-config key and environment variable. */
export function tunablesTable(): string {
  const range = (t: Tunable): string => ('min' in t ? ` (${t.min}–${t.max.toLocaleString('en')})` : '');
  const shown = (t: Tunable): string => ('default' in t ? `\`${String(t.default)}\`` : t.kind === 'commands' ? 'see meaning' : 'unset');
  const rows = (Object.entries(TUNABLES) as Array<[TunableName, Tunable]>).map(
    ([name, t]) => `| \`${t.env}\` | \`${name}\` | ${shown(t)} | ${t.meaning}${range(t)} |`,
  );
  return ['| environment (local) | deploy config | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
