import * as z from 'zod';
import { tunablesDeploySchema } from '../../shared/config/tunables';
import { HOST_NAME } from '../../shared/domain/host-name';
import { FLEET_API_HOSTS } from '../../shared/domain/fleet-regions';
import { RECEIVER_IMAGE } from './receiver-host';

/** An image by repository and a version tag or digest: `latest` (or no tag) would change underneath the cars. */
const PINNED_IMAGE = /^[a-z0-9][a-z0-9./_-]*(:(?!latest$)[A-Za-z0-9][A-Za-z0-9._-]{0,127})?(@sha256:[0-9a-f]{64})?$/;

const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;

/** What an owner may set through `cdk.json` context (or `-c key=value`); checked at synth. */
export const deployConfigSchema = z
  .strictObject({
    /** Unset: the account's region is read from its token (and corrected by Tesla's 421); set: always this one. */
    teslaRegion: z.enum(['na', 'eu', 'cn']).optional(),
    collectorRateMinutes: z.coerce.number().int().min(1).max(60).default(1),
    alarmEmail: z.email().optional(),
    /** Where e-mail notifications go (drives, charging, unlocked, …); unset: no e-mail channel (webhook and ntfy still work). */
    notifyEmail: z.email().optional(),
    ...tunablesDeploySchema(),
    logRetentionDays: z.coerce
      .number()
      .int()
      .refine((d) => [7, 14, 30, 60, 90, 180, 365].includes(d), 'must be 7, 14, 30, 60, 90, 180 or 365')
      .default(30),
    /** The API's own domain (Tesla registers the app by it and fetches the public key from it). */
    customDomainName: z.string().toLowerCase().regex(HOST_NAME, 'must be a host name such as tesla.example.com').optional(),
    /** An ACM certificate for customDomainName, in the stack's region. */
    certificateArn: z.string().regex(ACM_CERTIFICATE_ARN, 'must be an ACM certificate ARN').optional(),
    /** A Route 53 hosted zone to create the domain's alias record in (otherwise point a CNAME at the ApiDomainTarget output). */
    hostedZoneId: z
      .string()
      .regex(/^Z[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone ID')
      .optional(),
    hostedZoneName: z.string().toLowerCase().regex(HOST_NAME, 'must be the hosted zone’s domain name').optional(),
    /**
     * Streaming (Fleet Telemetry): the host name cars stream to, under the app's registered domain. Set, the stack adds
     * the receiver (a t4g.nano, about $7.4 a month; docs/streaming.md); unset (the default), nothing of it exists.
     */
    telemetryHostName: z.string().toLowerCase().regex(HOST_NAME, 'must be a host name such as telemetry.example.com').optional(),
    /** Tesla's receiver image, pinned by version tag or digest. */
    receiverImage: z
      .string()
      .regex(PINNED_IMAGE, 'must name a version tag or digest (not latest), such as tesla/fleet-telemetry:v0.9.4')
      .refine((image) => /:[^/]+$|@sha256:/.test(image), 'must name a version tag or digest (not latest), such as tesla/fleet-telemetry:v0.9.4')
      .default(RECEIVER_IMAGE),
  })
  .superRefine((c, ctx) => {
    const problem = (path: string, message: string): void => void ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.customDomainName && !c.certificateArn) problem('certificateArn', 'is required with customDomainName');
    if (c.certificateArn && !c.customDomainName) problem('customDomainName', 'is required with certificateArn');
    if (Boolean(c.hostedZoneId) !== Boolean(c.hostedZoneName))
      problem(c.hostedZoneId ? 'hostedZoneName' : 'hostedZoneId', 'hostedZoneId and hostedZoneName go together');
    if (c.hostedZoneName && !c.customDomainName && !c.telemetryHostName) problem('customDomainName', 'is required with a hosted zone');
    if (c.hostedZoneName && c.customDomainName && c.customDomainName !== c.hostedZoneName && !c.customDomainName.endsWith(`.${c.hostedZoneName}`)) {
      problem('customDomainName', `must be inside the hosted zone ${c.hostedZoneName}`);
    }
    if (c.telemetryHostName && c.telemetryHostName === c.customDomainName)
      problem(
        'telemetryHostName',
        'must differ from customDomainName: the API and the receiver are different hosts (e.g. api.example.com and telemetry.example.com)',
      );
  });

/** The region named in an ACM certificate ARN. */
export function certificateRegion(arn: string): string {
  return ACM_CERTIFICATE_ARN.exec(arn)?.[1] ?? '';
}

/** Settings that once existed, with what to do now (instead of a bare "unrecognized key"). */
const REMOVED_KEYS: Record<string, string> = {
  collectorReservedConcurrency:
    'no longer used: runs are kept apart by a lease in the table, because reserving concurrency fails on accounts at the default limit of 10; remove it',
};

export type DeployConfig = z.infer<typeof deployConfigSchema> & { fleetApiUrl: string; regionFixed: boolean };

export class DeployConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployConfigError';
  }
}

/**
 * `raw` is the `config` context: an object from cdk.json, the JSON text `-c config='{…}'` passes on the command line,
 * or undefined for the defaults. Errors name each offending key.
 */
export function parseDeployConfig(raw: unknown): DeployConfig {
  let value: unknown = raw ?? {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw new DeployConfigError(`invalid deployment configuration: config is not JSON; pass it as -c config='{"teslaRegion":"eu"}'`);
    }
  }
  const removed = Object.keys(REMOVED_KEYS).filter((key) => typeof value === 'object' && value !== null && key in value);
  if (removed.length > 0)
    throw new DeployConfigError(`invalid deployment configuration: ${removed.map((key) => `config.${key}: ${REMOVED_KEYS[key]}`).join('; ')}`);
  const parsed = deployConfigSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `config.${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new DeployConfigError(`invalid deployment configuration: ${problems}`);
  }
  return { ...parsed.data, fleetApiUrl: FLEET_API_HOSTS[parsed.data.teslaRegion ?? 'na'], regionFixed: parsed.data.teslaRegion !== undefined };
}
