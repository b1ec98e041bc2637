import { CloudFormationClient, DescribeStackResourcesCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { VehicleRecord } from '../../shared/domain/stores';
import { DynamoDbCollectorRuns } from '../../shared/store/dynamodb-collector-runs';
import { DynamoDbCommandStores } from '../../shared/store/dynamodb-command-stores';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { receiverFacts, tlsProbe, type TlsProbe } from './receiver-check';
import type { Answer, HttpFacts, StackFacts, SubscriptionFacts } from './stack-facts';

/** A GET with a total deadline; the doctor never follows a redirect or sends a credential. */
export type HttpGet = (url: string) => Promise<HttpFacts>;

export const HTTP_DEADLINE_MS = 8_000;

export const httpGet: HttpGet = async (url) => {
  const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(HTTP_DEADLINE_MS) });
  return { status: response.status, body: (await response.text()).slice(0, 4_096) };
};

/** The AWS clients the doctor reads with: read-only calls, each with a deadline and few retries. */
export function doctorClients(region: string | undefined) {
  const config = { ...(region ? { region } : {}), maxAttempts: 2, requestHandler: { connectionTimeout: 3_000, requestTimeout: 8_000 } };
  return {
    cloudFormation: new CloudFormationClient(config),
    secrets: new SecretsManagerClient(config),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient(config)),
    cloudWatch: new CloudWatchClient(config),
    sns: new SNSClient(config),
    scheduler: new SchedulerClient(config),
    sqs: new SQSClient(config),
    ssm: new SSMClient(config),
  };
}

export type DoctorClients = ReturnType<typeof doctorClients>;

/** Runs one question; an error becomes its answer (named, with AWS's message), so one refusal never hides the rest. */
async function ask<T>(question: () => Promise<T>): Promise<Answer<T>> {
  try {
    return await question();
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    return { unanswered: `${name}: ${message}`.slice(0, 300) };
  }
}

/** Gathers every fact the doctor checks, with the owner's credentials, reading no secret value. */
/** What is known of a stack that could not be described. */
const NO_FACTS = {
  tokenSecret: null,
  lastRun: null,
  vehicles: null,
  alarms: null,
  alarmSubscriptions: null,
  notifySubscriptions: null,
  scheduleGroup: null,
  deadLetters: null,
  health: null,
  publicKey: null,
  receiver: null,
} as const;

export async function gatherFacts(stackName: string, clients: DoctorClients, get: HttpGet, now: number, probe: TlsProbe = tlsProbe): Promise<StackFacts> {
  const stack = await ask(async () => {
    const out = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const found = out.Stacks?.[0];
    if (!found) throw new Error('no such stack');
    return { status: found.StackStatus ?? 'UNKNOWN', outputs: Object.fromEntries((found.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])) };
  });
  if ('unanswered' in stack) return { now, stackName, stack, ...NO_FACTS };
  const where = await locate(stackName, clients, stack.outputs);
  const subscriptionsOf = (topicArn: string) =>
    ask(async (): Promise<SubscriptionFacts[]> => {
      const out = await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
      return (out.Subscriptions ?? []).map((s) => ({ protocol: s.Protocol ?? '', pendingConfirmation: s.SubscriptionArn === 'PendingConfirmation' }));
    });
  const { tableName, secretArn, alarmTopic, notifyTopic, group, queues } = where;
  const { ApiUrl: apiUrl, PublicKeyUrl: publicKeyUrl } = stack.outputs;
  const [tokenSecret, lastRun, vehicles, alarms, alarmSubscriptions, notifySubscriptions, scheduleGroup, deadLetters, health, publicKey, receiver] =
    await Promise.all([
      secretArn === null ? null : ask(() => secretFacts(clients, secretArn)),
      tableName === null ? null : ask(async () => ({ record: await new DynamoDbCollectorRuns({ client: clients.dynamo, tableName }).lastRun() })),
      tableName === null ? null : ask(() => vehicleFacts(clients, tableName)),
      ask(async () => {
        const out = await clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${stackName}-` }));
        return (out.MetricAlarms ?? []).map((a) => ({ name: a.AlarmName ?? '', state: a.StateValue ?? 'UNKNOWN', reason: a.StateReason ?? '' }));
      }),
      alarmTopic === null ? null : subscriptionsOf(alarmTopic),
      notifyTopic === null ? null : subscriptionsOf(notifyTopic),
      group === null ? null : ask(async () => ({ state: (await clients.scheduler.send(new GetScheduleGroupCommand({ Name: group }))).State ?? 'UNKNOWN' })),
      ask(() => queueFacts(clients, queues)),
      apiUrl ? ask(() => get(`${apiUrl.replace(/\/+$/, '')}/health`)) : null,
      publicKeyUrl ? ask(() => get(publicKeyUrl)) : null,
      receiverFacts(stack.outputs, clients.ssm, probe, ask),
    ]);
  return {
    now,
    stackName,
    stack,
    tokenSecret,
    lastRun,
    vehicles,
    alarms,
    alarmSubscriptions,
    notifySubscriptions,
    scheduleGroup,
    deadLetters,
    health,
    publicKey,
    receiver,
  };
}

/** The stack's resources the doctor looks at, by type and logical id (outputs first, where the stack gives them). */
async function locate(stackName: string, clients: DoctorClients, outputs: Record<string, string>) {
  const resources = await clients.cloudFormation.send(new DescribeStackResourcesCommand({ StackName: stackName })).then(
    (out) => out.StackResources ?? [],
    () => [],
  );
  const physical = (type: string, logicalPrefix: string): string | null =>
    resources.find((r) => r.ResourceType === type && (r.LogicalResourceId ?? '').startsWith(logicalPrefix))?.PhysicalResourceId ?? null;
  return {
    tableName: physical('AWS::DynamoDB::GlobalTable', 'Table'),
    secretArn: outputs.TeslaTokenSecretArn ?? physical('AWS::SecretsManager::Secret', 'TeslaTokens'),
    alarmTopic: outputs.AlarmTopicArn ?? physical('AWS::SNS::Topic', 'AlarmsTopic'),
    notifyTopic: physical('AWS::SNS::Topic', 'Notifications'),
    group: physical('AWS::Scheduler::ScheduleGroup', 'AutomationsGroup'),
    // The dead-letter queues only: the streamed records' own queue holds records on their way, not failures.
    queues: resources
      .filter((r) => r.ResourceType === 'AWS::SQS::Queue' && r.PhysicalResourceId && (r.LogicalResourceId ?? '').includes('DeadLetters'))
      .map((r) => ({ name: r.LogicalResourceId ?? '', url: r.PhysicalResourceId! })),
  };
}

async function secretFacts(clients: DoctorClients, secretArn: string) {
  const out = await clients.secrets.send(new DescribeSecretCommand({ SecretId: secretArn }));
  return {
    rotationEnabled: out.RotationEnabled === true,
    lastRotatedAt: out.LastRotatedDate?.getTime() ?? null,
    nextRotationAt: out.NextRotationDate?.getTime() ?? null,
    stages: out.VersionIdsToStages ?? {},
  };
}

/** Each car the collector knows, its problem, and the newest command sent to it. */
async function vehicleFacts(clients: DoctorClients, tableName: string) {
  const records: VehicleRecord[] = await new DynamoDbStores({ client: clients.dynamo, tableName, snapshotRetentionDays: 1 }).listVehicles();
  const audit = new DynamoDbCommandStores({ client: clients.dynamo, tableName, auditRetentionDays: 1 });
  return Promise.all(
    records.map(async (r) => {
      const newest = (await audit.list(r.vin, { limit: 1 })).items[0];
      const lastCommand = newest ? { at: newest.at, command: newest.command, outcome: newest.outcome, reason: newest.reason } : null;
      return { vin: r.vin, displayName: r.displayName, problem: r.problem ?? null, lastCommand };
    }),
  );
}

/** How many messages wait in each dead-letter queue. */
function queueFacts(clients: DoctorClients, queues: ReadonlyArray<{ name: string; url: string }>) {
  return Promise.all(
    queues.map(async (q) => {
      const out = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['ApproximateNumberOfMessages'] }));
      return { name: q.name.replace(/[A-F0-9]{8}$/, ''), messages: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) };
    }),
  );
}
