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
} as const;

export const FREE = { lambdaRequests: 1_000_000, lambdaGbSeconds: 400_000, customMetrics: 10, alarms: 10, logsGb: 5, schedulerInvocations: 14_000_000, snsEmails: 1_000, snsPublishes: 1_000_000 } as const;

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
  secretsCalls: number;
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

export function estimateAwsCost(u: UsageCounts): CostLine[] {
  const gb = u.memoryMb / 1024;
  const invocations = u.collectorInvocations + u.apiRequests + u.rotationInvocations + u.automationRuns;
  const gbSeconds = gb * ((u.collectorInvocations * u.collectorMs + u.apiRequests * u.apiMs + u.rotationInvocations * 500 + u.automationRuns * u.automationMs) / 1000);
  const lambda = (invocations / 1e6) * PRICES.lambdaPerMillionRequests + gbSeconds * PRICES.lambdaPerGbSecondArm;
  const lambdaFree =
    (Math.max(0, invocations - FREE.lambdaRequests) / 1e6) * PRICES.lambdaPerMillionRequests + Math.max(0, gbSeconds - FREE.lambdaGbSeconds) * PRICES.lambdaPerGbSecondArm;
  const dynamo = (u.dynamoWrites / 1e6) * PRICES.dynamoPerMillionWrites + (u.dynamoReads / 1e6) * PRICES.dynamoPerMillionReads + (u.storedBytes / 1e9) * PRICES.dynamoStoragePerGbMonth * 2; // ×2: PITR
  const secrets = u.secrets * PRICES.secretPerMonth + (u.secretsCalls / 10_000) * PRICES.secretsPerTenThousandCalls;
  const logsGb = u.logBytes / 1e9;
  return [
    { item: `Lambda (${invocations.toLocaleString('en-US')} invocations, ${gbSeconds.toFixed(0)} GB-s)`, usd: lambda, usdAfterFreeTier: lambdaFree },
    { item: `DynamoDB on-demand (${u.dynamoWrites.toLocaleString('en-US')} writes, ${u.dynamoReads.toLocaleString('en-US')} reads)`, usd: dynamo, usdAfterFreeTier: dynamo },
    { item: `API Gateway HTTP API (${u.apiRequests} requests)`, usd: (u.apiRequests / 1e6) * PRICES.httpApiPerMillionRequests, usdAfterFreeTier: (u.apiRequests / 1e6) * PRICES.httpApiPerMillionRequests },
    { item: `Secrets Manager (${u.secrets} secrets, ${u.secretsCalls.toLocaleString('en-US')} calls)`, usd: secrets, usdAfterFreeTier: secrets },
    { item: `CloudWatch logs (${(logsGb * 1000).toFixed(0)} MB)`, usd: logsGb * PRICES.logsPerGbIngested, usdAfterFreeTier: Math.max(0, logsGb - FREE.logsGb) * PRICES.logsPerGbIngested },
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
      usdAfterFreeTier: Math.max(0, u.customMetrics - FREE.customMetrics) * PRICES.customMetricPerMonth + Math.max(0, u.alarms - FREE.alarms) * PRICES.alarmPerMonth,
    },
  ];
}
