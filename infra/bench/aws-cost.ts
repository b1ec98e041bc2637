/**
 * A monthly AWS cost estimate for the default deployment from counted calls. Prices are us-east-1 list prices
 * (ARM Lambda, DynamoDB on-demand, HTTP API, Secrets Manager, CloudWatch); the always-free allowances are shown
 * separately because not every account has them to spare.
 */
export const PRICES = {
  lambdaPerMillionRequests: 0.2,
  lambdaPerGbSecondArm: 0.0000133334,
  dynamoPerMillionWrites: 0.625,
  dynamoPerMillionReads: 0.125,
  dynamoStoragePerGbMonth: 0.25,
  httpApiPerMillionRequests: 1.0,
  secretPerMonth: 0.4,
  secretsPerTenThousandCalls: 0.05,
  logsPerGbIngested: 0.5,
  customMetricPerMonth: 0.3,
  alarmPerMonth: 0.1,
  schedulerPerMillionInvocations: 1.0,
  snsEmailPerHundredThousand: 2.0,
  snsPerMillionPublishes: 0.5,
  /** Point-in-time recovery, per GB-month of the table's size. */
  pitrPerGbMonth: 0.2,
  /** KMS requests: the table is encrypted with the AWS-managed key aws/dynamodb (no monthly fee, requests billed). */
  kmsPerTenThousandRequests: 0.03,
} as const;

/**
 * Secrets Manager calls one rotation makes: DescribeSecret and a read of the pending and the current version in each
 * of createSecret, testSecret and finishSecret, and one write each for the new pair and its promotion
 * (see shared/secrets/secrets-manager-rotation.ts).
 */
export const SECRETS_CALLS_PER_ROTATION = 11;

/**
 * A function's container is replaced every so often even when it runs every minute; AWS does not say how often.
 * Assumed: every 2 hours, each replacement reading the token secret once more.
 */
export const ASSUMED_COLD_STARTS_PER_DAY = 12;

/**
 * DynamoDB calls that KMS bills for the table's AWS-managed key: DynamoDB caches the table key and asks KMS again
 * about every 5 minutes while the table is in use, so a table used every minute costs ~12 an hour.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html
 */
export const KMS_REQUESTS_PER_DAY = 12 * 24;

export const FREE = {
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  customMetrics: 10,
  alarms: 10,
  logsGb: 5,
  schedulerInvocations: 14_000_000,
  snsEmails: 1_000,
  snsPublishes: 1_000_000,
} as const;

export interface UsageCounts {
  collectorInvocations: number;
  /** Mean modelled duration of one collector run. */
  collectorMs: number;
  apiRequests: number;
  apiMs: number;
  rotationInvocations: number;
  dynamoWrites: number;
  dynamoReads: number;
  storedBytes: number;
  /** GetSecretValue, DescribeSecret, PutSecretValue, … calls (see secretsManagerCalls). */
  secretsCalls: number;
  kmsRequests: number;
  logBytes: number;
  secrets: number;
  customMetrics: number;
  alarms: number;
  memoryMb: number;
  /** Automation occurrences: each an EventBridge Scheduler invocation and a runner invocation. */
  automationRuns: number;
  automationMs: number;
  /** Notifications e-mailed through SNS (webhook and ntfy deliveries cost only their Lambda time). */
  emailNotifications: number;
}

/** What the default stack holds that is billed per item; a CDK test checks these against the synthesised template. */
export const DEFAULT_STACK_ITEMS = { secrets: 2, alarms: 5 } as const;

export interface CostLine {
  item: string;
  usd: number;
  usdAfterFreeTier: number;
}

/**
 * Secrets Manager calls a month. `collectorReadsPerDay` is measured: the bench runs the collector's token cache
 * (READER_TOKEN_CACHE_MS) and counts its reads. Cold starts and the API's reads are modelled; each API cold start
 * reads the token secret and the API secret.
 */
export function secretsManagerCalls(u: { days: number; collectorReadsPerDay: number; rotationsPerDay: number; apiColdStarts: number }): number {
  const collector = u.days * (u.collectorReadsPerDay + ASSUMED_COLD_STARTS_PER_DAY);
  const rotations = u.days * u.rotationsPerDay * SECRETS_CALLS_PER_ROTATION;
  return Math.round(collector + rotations + u.apiColdStarts * 2);
}

export function estimateAwsCost(u: UsageCounts): CostLine[] {
  return [lambdaLine(u), ...dataLines(u), ...messagingLines(u)];
}

function lambdaLine(u: UsageCounts): CostLine {
  const gb = u.memoryMb / 1024;
  const invocations = u.collectorInvocations + u.apiRequests + u.rotationInvocations + u.automationRuns;
  const gbSeconds =
    gb * ((u.collectorInvocations * u.collectorMs + u.apiRequests * u.apiMs + u.rotationInvocations * 500 + u.automationRuns * u.automationMs) / 1000);
  const lambda = (invocations / 1e6) * PRICES.lambdaPerMillionRequests + gbSeconds * PRICES.lambdaPerGbSecondArm;
  const lambdaFree =
    (Math.max(0, invocations - FREE.lambdaRequests) / 1e6) * PRICES.lambdaPerMillionRequests +
    Math.max(0, gbSeconds - FREE.lambdaGbSeconds) * PRICES.lambdaPerGbSecondArm;
  return { item: `Lambda (${invocations.toLocaleString('en-US')} invocations, ${gbSeconds.toFixed(0)} GB-s)`, usd: lambda, usdAfterFreeTier: lambdaFree };
}

/** The table, its backups and key, and the secrets. */
function dataLines(u: UsageCounts): CostLine[] {
  const dynamo =
    (u.dynamoWrites / 1e6) * PRICES.dynamoPerMillionWrites +
    (u.dynamoReads / 1e6) * PRICES.dynamoPerMillionReads +
    (u.storedBytes / 1e9) * PRICES.dynamoStoragePerGbMonth;
  const pitr = (u.storedBytes / 1e9) * PRICES.pitrPerGbMonth;
  const kms = (u.kmsRequests / 10_000) * PRICES.kmsPerTenThousandRequests;
  const secrets = u.secrets * PRICES.secretPerMonth + (u.secretsCalls / 10_000) * PRICES.secretsPerTenThousandCalls;
  return [
    {
      item: `DynamoDB on-demand (${Math.round(u.dynamoWrites).toLocaleString('en-US')} writes, ${Math.round(u.dynamoReads).toLocaleString('en-US')} reads)`,
      usd: dynamo,
      usdAfterFreeTier: dynamo,
    },
    { item: `DynamoDB point-in-time recovery (${(u.storedBytes / 1e6).toFixed(0)} MB table)`, usd: pitr, usdAfterFreeTier: pitr },
    { item: `KMS key aws/dynamodb (no monthly fee; ${u.kmsRequests.toLocaleString('en-US')} requests)`, usd: kms, usdAfterFreeTier: kms },
    {
      item: `API Gateway HTTP API (${u.apiRequests} requests)`,
      usd: (u.apiRequests / 1e6) * PRICES.httpApiPerMillionRequests,
      usdAfterFreeTier: (u.apiRequests / 1e6) * PRICES.httpApiPerMillionRequests,
    },
    { item: `Secrets Manager (${u.secrets} secrets, ${u.secretsCalls.toLocaleString('en-US')} calls)`, usd: secrets, usdAfterFreeTier: secrets },
  ];
}

/** Logs, schedules, e-mail, metrics and alarms. */
function messagingLines(u: UsageCounts): CostLine[] {
  const logsGb = u.logBytes / 1e9;
  return [
    {
      item: `CloudWatch logs (${(logsGb * 1000).toFixed(0)} MB)`,
      usd: logsGb * PRICES.logsPerGbIngested,
      usdAfterFreeTier: Math.max(0, logsGb - FREE.logsGb) * PRICES.logsPerGbIngested,
    },
    {
      item: `EventBridge Scheduler (${u.automationRuns} automation runs)`,
      usd: (u.automationRuns / 1e6) * PRICES.schedulerPerMillionInvocations,
      usdAfterFreeTier: (Math.max(0, u.automationRuns - FREE.schedulerInvocations) / 1e6) * PRICES.schedulerPerMillionInvocations,
    },
    {
      item: `SNS e-mail notifications (${u.emailNotifications})`,
      usd: (u.emailNotifications / 1e5) * PRICES.snsEmailPerHundredThousand + (u.emailNotifications / 1e6) * PRICES.snsPerMillionPublishes,
      usdAfterFreeTier: (Math.max(0, u.emailNotifications - FREE.snsEmails) / 1e5) * PRICES.snsEmailPerHundredThousand,
    },
    {
      item: `CloudWatch ${u.customMetrics} custom metrics, ${u.alarms} alarms`,
      usd: u.customMetrics * PRICES.customMetricPerMonth + u.alarms * PRICES.alarmPerMonth,
      usdAfterFreeTier:
        Math.max(0, u.customMetrics - FREE.customMetrics) * PRICES.customMetricPerMonth + Math.max(0, u.alarms - FREE.alarms) * PRICES.alarmPerMonth,
    },
  ];
}
