import { CloudFormationClient, DescribeStackResourcesCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { diagnose, type Finding } from '../../../infra/doctor/diagnose';
import { doctorClients, gatherFacts, type HttpGet } from '../../../infra/doctor/gather-facts';
import { exitCodeOf, formatReport } from '../../../infra/doctor/report';
import type { TlsProbe } from '../../../infra/doctor/receiver-check';
import type { CollectorRunRecord } from '../../../shared/domain/collector-run';

/**
 * `npm run doctor` against the AWS SDK mocked with the answers a real stack gives, the failure answers included.
 * Answers are shaped as the services return them (DescribeStacks outputs, VersionIdsToStages, "PendingConfirmation").
 */
const NOW = Date.parse('2026-12-03T12:00:00Z');
const ACCOUNT = '111122223333';
const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:TeslaTokensA5373EEA-Xy12Ab`;
const ALARM_TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:TeslaFleetLogger-AlarmsTopic3A2DFEBA-1ABCDEF`;
const SECRET_VALUE = 'rt-must-never-be-read';

const cfn = mockClient(CloudFormationClient);
const sm = mockClient(SecretsManagerClient);
const ddb = mockClient(DynamoDBDocumentClient);
const cw = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);
const scheduler = mockClient(SchedulerClient);
const sqs = mockClient(SQSClient);
const ssm = mockClient(SSMClient);

const awsError = (name: string, message: string): Error => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
const run = (over: Partial<CollectorRunRecord> = {}): CollectorRunRecord => ({
  startedAt: NOW - 40_000,
  endedAt: NOW - 38_000,
  outcome: 'ok',
  vehiclesSeen: 2,
  snapshotsWritten: 1,
  since: NOW - 86_400_000,
  ...over,
});

let http: Record<string, { status: number; body: string } | Error>;
const get: HttpGet = (url) => {
  const answer = http[url];
  if (answer === undefined) return Promise.reject(new Error(`unexpected GET ${url}`));
  return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
};

function healthyStack(outputs: Record<string, string> = {}): void {
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'TeslaFleetLogger',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(NOW - 7 * 86_400_000),
        Outputs: Object.entries({
          ApiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
          TeslaTokenSecretArn: SECRET_ARN,
          AlarmTopicArn: ALARM_TOPIC,
          ...outputs,
        }).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
  cfn.on(DescribeStackResourcesCommand).resolves({
    StackResources: [
      {
        LogicalResourceId: 'TableCD117FA1',
        PhysicalResourceId: 'TeslaFleetLogger-TableCD117FA1-1Q2W3E4R5T6Y',
        ResourceType: 'AWS::DynamoDB::GlobalTable',
        ResourceStatus: 'CREATE_COMPLETE',
        Timestamp: new Date(NOW),
      },
      {
        LogicalResourceId: 'TeslaTokensA5373EEA',
        PhysicalResourceId: SECRET_ARN,
        ResourceType: 'AWS::SecretsManager::Secret',
        ResourceStatus: 'CREATE_COMPLETE',
        Timestamp: new Date(NOW),
      },
      {
        LogicalResourceId: 'AlarmsTopic3A2DFEBA',
        PhysicalResourceId: ALARM_TOPIC,
        ResourceType: 'AWS::SNS::Topic',
        ResourceStatus: 'CREATE_COMPLETE',
        Timestamp: new Date(NOW),
      },
      {
        LogicalResourceId: 'AutomationsGroup3C1E6B1D',
        PhysicalResourceId: 'TeslaFleetLoggerAutomationsGroup3C1E6B1D',
        ResourceType: 'AWS::Scheduler::ScheduleGroup',
        ResourceStatus: 'CREATE_COMPLETE',
        Timestamp: new Date(NOW),
      },
      {
        LogicalResourceId: 'CollectorDeadLetters74C180E4',
        PhysicalResourceId: `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/TeslaFleetLogger-CollectorDeadLetters74C180E4-AbC`,
        ResourceType: 'AWS::SQS::Queue',
        ResourceStatus: 'CREATE_COMPLETE',
        Timestamp: new Date(NOW),
      },
      {
        LogicalResourceId: 'AutomationsDeadLetters2F89907D',
        PhysicalResourceId: `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/TeslaFleetLogger-AutomationsDeadLetters2F89907D-DeF`,
        ResourceType: 'AWS::SQS::Queue',
        ResourceStatus: 'CREATE_COMPLETE',
        Timestamp: new Date(NOW),
      },
    ],
  });
  sm.on(DescribeSecretCommand).resolves({
    ARN: SECRET_ARN,
    RotationEnabled: true,
    RotationLambdaARN: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:TeslaFleetLogger-TokenRotationFunction`,
    LastRotatedDate: new Date(NOW - 2 * 3_600_000),
    NextRotationDate: new Date(NOW + 2 * 3_600_000),
    VersionIdsToStages: { 'a1b2c3d4-0000-4000-8000-000000000001': ['AWSPREVIOUS'], 'a1b2c3d4-0000-4000-8000-000000000002': ['AWSCURRENT', 'AWSPENDING'] },
  });
  sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ refreshToken: SECRET_VALUE }) });
  ddb.on(GetCommand).resolves({ Item: { pk: 'ACCOUNT', sk: 'COLLECTOR_RUN', lastRun: run() } });
  ddb
    .on(QueryCommand)
    .resolves({ Items: [{ pk: 'ACCOUNT', sk: 'VEHICLE#5YJ3E7EB0SF000001', record: { vin: '5YJ3E7EB0SF000001', displayName: 'Daily', problem: null } }] });
  cw.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: ['TeslaLoginLostAlarm', 'TokenRotationFailingAlarm', 'CollectorFailingAlarm', 'BudgetNearLimitAlarm', 'VehicleNeedsAttentionAlarm'].map(
      (id) => ({ AlarmName: `TeslaFleetLogger-${id}ABC123-XYZ`, StateValue: 'OK', StateReason: 'Threshold Crossed: no datapoints' }),
    ),
  });
  sns.on(ListSubscriptionsByTopicCommand).resolves({
    Subscriptions: [
      { Protocol: 'email', Endpoint: 'owner@example.com', TopicArn: ALARM_TOPIC, SubscriptionArn: `${ALARM_TOPIC}:6f8c0a7e-1111-2222-3333-444455556666` },
    ],
  });
  scheduler.on(GetScheduleGroupCommand).resolves({ Name: 'TeslaFleetLoggerAutomationsGroup3C1E6B1D', State: 'ACTIVE' });
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
  http = { 'https://abc123.execute-api.eu-west-1.amazonaws.com/health': { status: 200, body: '{"status":"ok"}' } };
}

async function doctor(): Promise<{ findings: Finding[]; report: string; byCheck: (check: string) => Finding }> {
  const findings = diagnose(await gatherFacts('TeslaFleetLogger', doctorClients('eu-west-1'), get, NOW));
  const byCheck = (check: string): Finding =>
    findings.find((f) => f.check === check) ??
    (() => {
      throw new Error(`no finding ${check}: ${JSON.stringify(findings)}`);
    })();
  return { findings, report: formatReport('TeslaFleetLogger', findings), byCheck };
}

beforeEach(() => {
  for (const mock of [cfn, sm, ddb, cw, sns, scheduler, sqs, ssm]) mock.reset();
  healthyStack();
});
afterAll(() => {
  for (const mock of [cfn, sm, ddb, cw, sns, scheduler, sqs, ssm]) mock.restore();
});

describe('npm run doctor', () => {
  it('says plainly that a healthy stack works, and reads no secret', async () => {
    const { findings, report } = await doctor();
    expect(findings.filter((f) => f.verdict !== 'ok').map((f) => f.check)).toEqual(['public key']); // no custom domain in this stack
    expect(report).toMatch(/ok +collector: last run just now: 2 car\(s\) listed, 1 reading\(s\) stored/);
    expect(report).toMatch(/ok +token rotation: versions staged as they should be; last rotated 2 h ago/);
    expect(exitCodeOf(findings)).toBe(0);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(report).not.toContain(SECRET_VALUE);
  });

  it('right after a first deploy: not logged in, e-mail not confirmed, each with what to do', async () => {
    ddb
      .on(GetCommand)
      .resolves({ Item: { pk: 'ACCOUNT', sk: 'COLLECTOR_RUN', lastRun: run({ outcome: 'not_logged_in', since: NOW - 600_000, vehiclesSeen: undefined }) } });
    ddb.on(QueryCommand).resolves({ Items: [] });
    sm.on(DescribeSecretCommand).resolves({ ARN: SECRET_ARN, RotationEnabled: true, VersionIdsToStages: { 'v-initial': ['AWSCURRENT'] } });
    sns
      .on(ListSubscriptionsByTopicCommand)
      .resolves({ Subscriptions: [{ Protocol: 'email', Endpoint: 'owner@example.com', TopicArn: ALARM_TOPIC, SubscriptionArn: 'PendingConfirmation' }] });
    const { findings, byCheck, report } = await doctor();
    expect(byCheck('collector')).toMatchObject({
      verdict: 'fail',
      message: expect.stringContaining('not logged in'),
      fix: `npm run login -- --secret-id ${SECRET_ARN}`,
    });
    expect(byCheck('alarm e-mails')).toMatchObject({ verdict: 'warn', fix: expect.stringContaining('Subscription Confirmation') });
    expect(byCheck('token rotation')).toMatchObject({ verdict: 'ok', message: expect.stringContaining('never rotated yet') });
    expect(exitCodeOf(findings)).toBe(1);
    expect(report).toContain('→ npm run login -- --secret-id');
  });

  it('reports a refused question as not checked, names the permission, and still checks the rest', async () => {
    sm.on(DescribeSecretCommand).rejects(
      awsError(
        'AccessDeniedException',
        `User: arn:aws:iam::${ACCOUNT}:user/owner is not authorized to perform: secretsmanager:DescribeSecret on resource: ${SECRET_ARN}`,
      ),
    );
    cw.on(DescribeAlarmsCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    ddb.on(GetCommand).rejects(awsError('ResourceNotFoundException', 'Requested resource not found'));
    const { byCheck, findings } = await doctor();
    expect(byCheck('token rotation')).toMatchObject({
      verdict: 'warn',
      message: expect.stringContaining('could not check: AccessDeniedException'),
      fix: expect.stringContaining('secretsmanager:DescribeSecret'),
    });
    expect(byCheck('alarms')).toMatchObject({ verdict: 'warn', message: 'could not check: Throttling: Rate exceeded' });
    expect(byCheck('collector')).toMatchObject({ verdict: 'warn', message: expect.stringContaining('ResourceNotFoundException') });
    expect(byCheck('API')).toMatchObject({ verdict: 'ok' });
    expect(byCheck('automations')).toMatchObject({ verdict: 'ok' });
    expect(findings.some((f) => f.verdict === 'ok' && /could not/.test(f.message))).toBe(false);
  });

  it('a stack that does not exist (wrong region, say) is one clear failure', async () => {
    cfn.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id TeslaFleetLogger does not exist'));
    const { findings } = await doctor();
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'stack',
        verdict: 'fail',
        message: expect.stringContaining('does not exist'),
        fix: expect.stringContaining('--region'),
      }),
    ]);
  });

  it('a stack rolled back is a failure', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: 'TeslaFleetLogger', StackStatus: 'UPDATE_ROLLBACK_COMPLETE', CreationTime: new Date(NOW), Outputs: [] }] });
    expect((await doctor()).byCheck('stack')).toMatchObject({ verdict: 'fail' });
  });

  it('finds what needs the owner after weeks of running', async () => {
    sm.on(DescribeSecretCommand).resolves({
      ARN: SECRET_ARN,
      RotationEnabled: true,
      LastRotatedDate: new Date(NOW - 30 * 3_600_000),
      VersionIdsToStages: { 'v-current': ['AWSCURRENT'], 'v-stuck': ['AWSPENDING'] },
    });
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          pk: 'ACCOUNT',
          sk: 'VEHICLE#5YJ3E7EB0SF000001',
          record: {
            vin: '5YJ3E7EB0SF000001',
            displayName: 'Daily',
            problem: { code: 'missing_scope', message: 'vehicle_device_data was not granted', since: NOW - 86_400_000 },
          },
        },
      ],
    });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'VEHICLE#5YJ3E7EB0SF000001', ':prefix': 'CMD#' } }).resolves({
      Items: [
        {
          entry: {
            vin: '5YJ3E7EB0SF000001',
            id: 'c1',
            at: NOW - 7_200_000,
            command: 'door_lock',
            body: {},
            outcome: 'failed',
            reason: 'command_key_not_paired',
            latencyMs: 900,
            woke: false,
            transport: 'signed',
            caller: { sourceIp: '203.0.113.9', userAgent: 'curl' },
            idempotencyKey: null,
          },
        },
      ],
    });
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: 'TeslaFleetLogger-VehicleNeedsAttentionAlarm1-AB', StateValue: 'ALARM', StateReason: 'Threshold Crossed' }],
    });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '3' } });
    const { byCheck } = await doctor();
    expect(byCheck('token rotation')).toMatchObject({ verdict: 'warn', message: expect.stringContaining('unfinished') });
    expect(byCheck('car Daily')).toMatchObject({
      verdict: 'fail',
      message: 'missing_scope: vehicle_device_data was not granted',
      fix: expect.stringContaining('npm run login'),
    });
    const daily = (await doctor()).findings.filter((f) => f.check === 'car Daily');
    expect(daily[1]).toMatchObject({
      verdict: 'fail',
      message: expect.stringContaining('door_lock, 2 h ago) was refused: the command key is not paired'),
      fix: expect.stringContaining('PairingUrl'),
    });
    expect(byCheck('alarms')).toMatchObject({ verdict: 'fail', message: expect.stringContaining('VehicleNeedsAttentionAlarm') });
    expect(byCheck('failed runs')).toMatchObject({ verdict: 'warn', message: '3 parked in CollectorDeadLetters; 3 parked in AutomationsDeadLetters' });
  });

  it('a collector that has not run for a while, or fails, is a failure with its reason', async () => {
    ddb.on(GetCommand).resolves({ Item: { lastRun: run({ endedAt: NOW - 3 * 3_600_000 }) } });
    expect((await doctor()).byCheck('collector')).toMatchObject({
      verdict: 'fail',
      message: expect.stringContaining('3 h ago: the schedule is not running it'),
    });
    ddb.on(GetCommand).resolves({ Item: { lastRun: run({ outcome: 'failed', detail: 'FleetApiUnreachableError: connect ETIMEDOUT' }) } });
    expect((await doctor()).byCheck('collector')).toMatchObject({ verdict: 'fail', message: expect.stringContaining('connect ETIMEDOUT') });
    ddb.on(GetCommand).resolves({});
    expect((await doctor()).byCheck('collector')).toMatchObject({ verdict: 'warn', message: 'no run recorded yet' });
  });

  it('with a custom domain, checks the public key at the exact well-known path', async () => {
    const key = 'https://tesla.example.com/.well-known/appspecific/com.tesla.3p.public-key.pem';
    healthyStack({ PublicKeyUrl: key, PairingUrl: 'https://tesla.com/_ak/tesla.example.com' });
    http[key] = { status: 200, body: '-----BEGIN PUBLIC KEY-----\nMFkw…\n-----END PUBLIC KEY-----\n' };
    expect((await doctor()).byCheck('public key')).toMatchObject({ verdict: 'ok' });
    http[key] = { status: 404, body: '{"error":"not_found"}' };
    expect((await doctor()).byCheck('public key')).toMatchObject({ verdict: 'fail', fix: expect.stringContaining('npm run keys') });
    http[key] = new Error('getaddrinfo ENOTFOUND tesla.example.com');
    expect((await doctor()).byCheck('public key')).toMatchObject({ verdict: 'fail', message: expect.stringContaining('ENOTFOUND') });
  });

  it('an API that does not answer is a failure', async () => {
    http['https://abc123.execute-api.eu-west-1.amazonaws.com/health'] = { status: 500, body: '{"message":"Internal Server Error"}' };
    expect((await doctor()).byCheck('API')).toMatchObject({ verdict: 'fail', message: 'GET /health answered 500' });
  });

  it('with streaming, checks that the receiver’s host name leads to it and its certificate verifies, reading only the public CA', async () => {
    healthyStack({
      ReceiverHostName: 'telemetry.example.com',
      ReceiverAddress: '203.0.113.7',
      ReceiverCaParameter: '/TeslaFleetLogger/receiver/ca',
      ReceiverVinsParameter: '/TeslaFleetLogger/receiver/vins',
    });
    ssm
      .on(GetParameterCommand, { Name: '/TeslaFleetLogger/receiver/ca' })
      .resolves({ Parameter: { Value: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n' } });
    // PUT /streaming has not run yet: no list.
    ssm.on(GetParameterCommand, { Name: '/TeslaFleetLogger/receiver/vins' }).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const probed: string[] = [];
    const probe: TlsProbe = (host, port, ca) => {
      probed.push(`${host}:${port} ${ca.split('\n')[0]!}`);
      return Promise.resolve({ address: '203.0.113.7', authorized: true, error: null, validTo: NOW + 3000 * 86_400_000 });
    };
    // The records' own queue has records on their way: not failures.
    cfn.on(DescribeStackResourcesCommand).resolves({
      StackResources: [
        {
          LogicalResourceId: 'StreamingRecords1A2B3C4D',
          PhysicalResourceId: `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/TeslaFleetLogger-StreamingRecords1A2B3C4D-AbC.fifo`,
          ResourceType: 'AWS::SQS::Queue',
          ResourceStatus: 'CREATE_COMPLETE',
          Timestamp: new Date(NOW),
        },
      ],
    });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '7' } });
    const findings = diagnose(await gatherFacts('TeslaFleetLogger', doctorClients('eu-west-1'), get, NOW, probe));
    expect(probed).toEqual(['telemetry.example.com:443 -----BEGIN CERTIFICATE-----']);
    expect(findings.find((f) => f.check === 'streaming receiver')).toMatchObject({ verdict: 'ok' });
    expect(findings.find((f) => f.check === 'streaming cars')).toMatchObject({ verdict: 'warn', message: 'no car is configured to stream yet' });
    expect(findings.find((f) => f.check === 'failed runs')).toMatchObject({ verdict: 'ok' });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('without streaming, says nothing of a receiver', async () => {
    const { findings } = await doctor();
    expect(findings.map((f) => f.check)).not.toContain('streaming receiver');
    expect(ssm.calls()).toHaveLength(0);
  });
});
