import { z } from 'zod';
import { COMMAND_SCHEMAS, DEFAULT_ALLOWED_COMMANDS } from '../../shared/domain/commands';
import { FLEET_API_HOSTS } from '../../shared/tesla/regions';

/** What an owner may set through `cdk.json` context (or `-c key=value`); checked at synth. */
export const deployConfigSchema = z.strictObject({
  teslaRegion: z.enum(['na', 'eu', 'cn']).default('na'),
  collectorRateMinutes: z.coerce.number().int().min(1).max(60).default(1),
  snapshotRetentionDays: z.coerce.number().int().min(1).max(3650).default(400),
  includeLocation: z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean()).default(false),
  alarmEmail: z.email().optional(),
  monthlyBudgetUsd: z.coerce.number().min(0).max(10_000).default(10),
  /** 1 keeps scheduled runs from overlapping; 0 reserves none (accounts at the default limit of 10 need 0). */
  collectorReservedConcurrency: z.coerce.number().int().min(0).max(5).default(1),
  logRetentionDays: z.coerce.number().int().refine((d) => [7, 14, 30, 60, 90, 180, 365].includes(d), 'must be 7, 14, 30, 60, 90, 180 or 365').default(30),
  allowedCommands: z
    .preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(z.enum(Object.keys(COMMAND_SCHEMAS) as [string, ...string[]])))
    .default([...DEFAULT_ALLOWED_COMMANDS]),
});

export type DeployConfig = z.infer<typeof deployConfigSchema> & { fleetApiUrl: string };

export class DeployConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployConfigError';
  }
}

/** `raw` is the `config` context object (or undefined for the defaults). Errors name each offending key. */
export function parseDeployConfig(raw: unknown): DeployConfig {
  const parsed = deployConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `config.${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new DeployConfigError(`invalid deployment configuration: ${problems}`);
  }
  return { ...parsed.data, fleetApiUrl: FLEET_API_HOSTS[parsed.data.teslaRegion] };
}
