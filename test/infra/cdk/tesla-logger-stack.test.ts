import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_STACK_ITEMS } from '../../../infra/bench/aws-cost';
import { BUNDLE_TARGET } from '../../../infra/cdk/lambda-bundle';
import { DeployConfigError, parseDeployConfig } from '../../../infra/cdk/deploy-config';
import { TeslaLoggerStack } from '../../../infra/cdk/tesla-logger-stack';
import { ABANDONED_CLAIM_MS, COMMAND_TIMEOUT_MS } from '../../../shared/domain/commands/execute-command';

let template: Template;
let assemblyDir: string;

beforeAll(() => {
  const app = new App();
  assemblyDir = app.outdir;
  const stack = new TeslaLoggerStack(app, 'Test', { config: parseDeployConfig({ teslaRegion: 'eu' }), env: { account: '111122223333', region: 'eu-west-1' } });
  template = Template.fromStack(stack);
});

type Resource = { Properties: Record<string, any> };
const functions = () => Object.entries(template.findResources('AWS::Lambda::Function') as Record<string, Resource>);
const fn = (idPrefix: string) => {
  const found = functions().find(([id]) => id.startsWith(idPrefix));
  if (!found) throw new Error(`no function ${idPrefix}`);
  return found;
};

/** Every action a function's role may take on any resource, flattened. */
function policyActions(functionLogicalId: string): string[] {
  const role = (template.findResources('AWS::Lambda::Function')[functionLogicalId] as Resource).Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>).filter((p) =>
    (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === role),
  );
  return policies.flatMap((p) => (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>).flatMap((s) => [s.Action].flat()));
}

describe('TeslaLoggerStack', () => {
  it('has the API, collector and token-rotation functions on ARM64 with a current Node runtime and ESM bundles', () => {
    expect(
      functions()
        .map(([id]) => id.replace(/[A-F0-9]{8}$/, ''))
        .sort(),
    ).toEqual(['ApiFunction', 'AutomationRunnerFunction', 'CollectorFunction', 'TokenRotationFunction']);
    for (const [, f] of functions()) {
      expect(f.Properties.Architectures).toEqual(['arm64']);
      expect(f.Properties.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
      expect(f.Properties.Handler).toBe('index.handler');
      // The bundle's language target is the runtime's Node, not an older one (esbuild would transpile for nothing).
      expect(`node${/^nodejs(\d+)/.exec(String(f.Properties.Runtime))![1]!}`).toBe(BUNDLE_TARGET);
    }
    // The API maps the stacks it logs itself (a map is read only then); the others let Node map every stack.
    expect(
      functions()
        .map(([id, f]): [string, string | null] => [
          id.replace(/[A-F0-9]{8}$/, ''),
          (f.Properties.Environment.Variables.NODE_OPTIONS as string | undefined) ?? null,
        ])
        .sort(),
    ).toEqual([
      ['ApiFunction', null],
      ['AutomationRunnerFunction', '--enable-source-maps'],
      ['CollectorFunction', '--enable-source-maps'],
      ['TokenRotationFunction', '--enable-source-maps'],
    ]);
  });

  it('ships each function its own bundle: its entry, split into chunks with their maps', () => {
    const assetOf = (id: string): string => join(assemblyDir, `asset.${(fn(id)[1].Properties.Code.S3Key as string).replace(/\.zip$/, '')}`);
    const ids = ['ApiFunction', 'CollectorFunction', 'TokenRotationFunction', 'AutomationRunnerFunction'];
    expect(new Set(ids.map(assetOf)).size).toBe(4);
    const text = (id: string): string => readFileSync(join(assetOf(id), 'index.mjs'), 'utf8');
    // Strings only each entry holds (log messages and settings it alone reads).
    expect(text('ApiFunction')).toContain('unhandled error');
    expect(text('CollectorFunction')).not.toContain('unhandled error');
    expect(text('TokenRotationFunction')).toContain('token rotation failed');
    expect(text('AutomationRunnerFunction')).toContain('automation event rejected');
    const files = readdirSync(assetOf('ApiFunction'), { recursive: true }) as string[];
    const chunks = files.filter((f) => f.endsWith('.mjs') && f !== 'index.mjs');
    expect(chunks.length).toBeGreaterThan(3);
    for (const f of ['index.mjs', ...chunks]) expect(files).toContain(`${f}.map`);
  });

  it('gives a command its whole budget well inside the API function’s timeout, and declares a key abandoned only after it', () => {
    const timeoutMs = (fn('ApiFunction')[1].Properties.Timeout as number) * 1000;
    // At least 5 s are left for the writes after the last Tesla answer (each AWS request times out after 3 s).
    expect(COMMAND_TIMEOUT_MS).toBeLessThanOrEqual(timeoutMs - 5_000);
    // A claim older than the function can live cannot belong to a running request.
    expect(ABANDONED_CLAIM_MS).toBeGreaterThan(timeoutMs);
  });

  it('passes the owner’s polling tuning to the collector (a driving interval of 1–14 minutes; 5 by default)', () => {
    expect(fn('CollectorFunction')[1].Properties.Environment.Variables).toMatchObject({ DRIVING_INTERVAL_MINUTES: '5' });
    const tuned = Template.fromStack(
      new TeslaLoggerStack(new App(), 'Tuned', {
        config: parseDeployConfig({ drivingIntervalMinutes: '12' }),
        env: { account: '111122223333', region: 'eu-west-1' },
      }),
    );
    const collector = Object.entries(tuned.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('CollectorFunction'))!;
    expect(collector[1].Properties.Environment.Variables).toMatchObject({ DRIVING_INTERVAL_MINUTES: '12' });
  });

  it('points the functions at the configured Tesla region', () => {
    expect(fn('ApiFunction')[1].Properties.Environment.Variables).toMatchObject({
      TESLA_FLEET_API_URL: 'https://fleet-api.prd.eu.vn.cloud.tesla.com',
      TESLA_REGION_FIXED: 'true',
    });
    // Without teslaRegion, the functions read the account's region from its token (and from Tesla's 421s).
    expect(parseDeployConfig({})).toMatchObject({ regionFixed: false, fleetApiUrl: 'https://fleet-api.prd.na.vn.cloud.tesla.com' });
  });

  it('has a DynamoDB table keyed pk/sk with TTL and point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  it('keeps Tesla tokens in a secret rotated every 4 hours by the rotation function', () => {
    const rotation = template.findResources('AWS::SecretsManager::RotationSchedule') as Record<string, Resource>;
    const [schedule] = Object.values(rotation);
    expect(schedule!.Properties.RotationRules.ScheduleExpression).toBe('rate(4 hours)');
    expect(schedule!.Properties.RotateImmediatelyOnUpdate).toBe(false);
    expect(schedule!.Properties.RotationLambdaARN['Fn::GetAtt'][0]).toBe(fn('TokenRotationFunction')[0]);
  });

  it('lets only the rotation function write the token secret; readers may only request a rotation', () => {
    expect(policyActions(fn('TokenRotationFunction')[0])).toEqual(
      expect.arrayContaining(['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage']),
    );
    for (const reader of ['ApiFunction', 'CollectorFunction']) {
      const actions = policyActions(fn(reader)[0]);
      expect(actions).toContain('secretsmanager:RotateSecret');
      expect(actions).not.toContain('secretsmanager:PutSecretValue');
      expect(actions).not.toContain('secretsmanager:UpdateSecretVersionStage');
    }
  });

  it('gives each function exactly the table and log actions it uses, and no wildcard action or managed policy', () => {
    const dynamo = (id: string) =>
      policyActions(fn(id)[0])
        .filter((a) => a.startsWith('dynamodb:'))
        .sort();
    // The logbook's year read fetches the entries its index points at with BatchGetItem (dynamodb-logbook-store):
    // without the grant every such read is AccessDenied in AWS, which dynalite, checking no IAM, would never show.
    expect(dynamo('ApiFunction')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(dynamo('CollectorFunction')).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(dynamo('TokenRotationFunction')).toEqual([]);
    expect(dynamo('AutomationRunnerFunction')).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    // Only the API and the automation runner (which signs like the API) read the API secret.
    const readsSecret = (id: string, secretPrefix: string): boolean => {
      const role = (template.findResources('AWS::Lambda::Function')[fn(id)[0]] as Resource).Properties.Role['Fn::GetAtt'][0];
      return Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>)
        .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === role))
        .some((p) => JSON.stringify(p.Properties.PolicyDocument).includes(secretPrefix));
    };
    expect(readsSecret('ApiFunction', 'ApiSecret')).toBe(true);
    expect(readsSecret('AutomationRunnerFunction', 'ApiSecret')).toBe(true);
    expect(readsSecret('CollectorFunction', 'ApiSecret')).toBe(false);
    expect(readsSecret('TokenRotationFunction', 'ApiSecret')).toBe(false);
    for (const [id] of functions()) {
      const actions = policyActions(id);
      expect({ id, wildcard: actions.some((a) => a === '*' || a.endsWith(':*')) }).toEqual({ id, wildcard: false });
      expect(actions).toEqual(expect.arrayContaining(['logs:CreateLogStream', 'logs:PutLogEvents']));
    }
    for (const role of Object.values(template.findResources('AWS::IAM::Role') as Record<string, Resource>)) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('has robust defaults: retries into a dead-letter queue, API access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }) });
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage') as Record<string, Resource>)[0]!;
    expect(stage.Properties.AccessLogSettings.Format).not.toMatch(/authorization|header|querystring|body/i);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    for (const logGroup of Object.values(template.findResources('AWS::Logs::LogGroup') as Record<string, Resource>)) {
      expect(logGroup.Properties.RetentionInDays).toBe(30);
    }
  });

  it('routes an HTTP API to the API function, with throttling', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 10 } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
  });

  it('runs the collector on an EventBridge schedule, retrying within the minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [fn('CollectorFunction')[0], 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
  });

  it('outputs the API URL and where to read the API token, never a secret value', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(['AlarmTopicArn', 'ApiSecretArn', 'ApiUrl', 'TableName', 'TeslaTokenSecretArn']);
    expect(JSON.stringify(outputs)).not.toMatch(/SecretString|resolve:secretsmanager/);
  });
});

describe('automations on EventBridge Scheduler', () => {
  const statements = (roleId: string) =>
    Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>)
      .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }>);
  const schedulerRoleId = () =>
    Object.entries(template.findResources('AWS::IAM::Role') as Record<string, Resource>).find(([, r]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
    )![0];

  it('has one schedule group, owned by the stack and deleted with it (its schedules with it)', () => {
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    expect(Object.values(template.findResources('AWS::Scheduler::ScheduleGroup') as Record<string, { DeletionPolicy?: string }>)[0]!.DeletionPolicy).toBe(
      'Delete',
    );
    // No schedule is in the template: each automation's schedule is made by the API, inside that group.
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
  });

  it('gives the schedules a role that may only invoke the runner and park failures in the dead-letter queue', () => {
    const role = (template.findResources('AWS::IAM::Role') as Record<string, Resource>)[schedulerRoleId()]!;
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('aws:SourceAccount');
    const granted = statements(schedulerRoleId()).map((s) => ({ actions: [s.Action].flat(), resource: JSON.stringify(s.Resource) }));
    expect(
      granted
        .map((g) => g.actions)
        .flat()
        .sort(),
    ).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    expect(granted.find((g) => g.actions.includes('lambda:InvokeFunction'))!.resource).toContain(fn('AutomationRunnerFunction')[0]);
    expect(granted.find((g) => g.actions.includes('sqs:SendMessage'))!.resource).toContain('AutomationsDeadLetters');
  });

  it('lets the API manage schedules only in that group, and pass only that role, only to the scheduler', () => {
    const apiRole = (fn('ApiFunction')[1].Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const scheduler = statements(apiRole).filter((s) => [s.Action].flat().some((a) => a.startsWith('scheduler:')));
    expect(scheduler.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      'scheduler:CreateSchedule',
      'scheduler:DeleteSchedule',
      'scheduler:GetSchedule',
      'scheduler:UpdateSchedule',
    ]);
    expect(JSON.stringify(scheduler[0]!.Resource)).toMatch(/schedule\/.*automation-\*/);
    const passRole = statements(apiRole).find((s) => [s.Action].flat().includes('iam:PassRole'))!;
    expect(JSON.stringify(passRole.Resource)).toContain(schedulerRoleId());
    expect(passRole.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
    const env = fn('ApiFunction')[1].Properties.Environment.Variables as Record<string, unknown>;
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['AUTOMATION_GROUP', 'AUTOMATION_RUNNER_ARN', 'AUTOMATION_ROLE_ARN', 'AUTOMATION_DLQ_ARN']));
  });

  it('gives the runner the command budget well inside its timeout', () => {
    expect(fn('AutomationRunnerFunction')[1].Properties.Timeout * 1000).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS + 10_000);
  });
});

describe('e-mail notifications', () => {
  it('are off by default: no topic, no e-mail channel for the functions', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain('NOTIFY_TOPIC_ARN');
  });

  it('with notifyEmail, get their own topic and subscription, which the API, collector and runner may publish to', () => {
    const t = Template.fromStack(
      new TeslaLoggerStack(new App(), 'Mail', {
        config: parseDeployConfig({ notifyEmail: 'owner@example.com' }),
        env: { account: '111122223333', region: 'eu-west-1' },
      }),
    );
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'owner@example.com' });
    const withTopic = Object.entries(t.findResources('AWS::Lambda::Function') as Record<string, Resource>)
      .filter(([, f]) => f.Properties.Environment?.Variables?.NOTIFY_TOPIC_ARN !== undefined)
      .map(([id]) => id.replace(/[A-F0-9]{8}$/, ''))
      .sort();
    expect(withTopic).toEqual(['ApiFunction', 'AutomationRunnerFunction', 'CollectorFunction']);
    const publishers = Object.values(t.findResources('AWS::IAM::Policy') as Record<string, Resource>).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('sns:Publish'),
    );
    expect(publishers).toHaveLength(3);
  });
});

describe('what the cost model counts', () => {
  it('matches the stack: its secrets and alarms, each billed per month', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', DEFAULT_STACK_ITEMS.secrets);
    template.resourceCountIs('AWS::CloudWatch::Alarm', DEFAULT_STACK_ITEMS.alarms);
  });

  it('generates the API token inside the API secret, beside where the command key will go', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{}', GenerateStringKey: 'apiToken', ExcludePunctuation: true }),
    });
  });
});

describe('deployment config', () => {
  it('rejects bad values naming the key', () => {
    expect(() => parseDeployConfig({ teslaRegion: 'mars' })).toThrow(DeployConfigError);
    expect(() => parseDeployConfig({ teslaRegion: 'mars' })).toThrow(/config\.teslaRegion/);
    expect(() => parseDeployConfig({ collectorRateMinutes: 0 })).toThrow(/config\.collectorRateMinutes/);
    expect(() => parseDeployConfig({ allowedCommands: 'door_lock,launch' })).toThrow(/config\.allowedCommands/);
    expect(() => parseDeployConfig({ colour: 'red' })).toThrow(/colour/);
    expect(() => parseDeployConfig({ drivingIntervalMinutes: 15 })).toThrow(/config\.drivingIntervalMinutes/);
  });

  it('takes the whole config as the JSON text that -c config=… passes, and says so when it is not JSON', () => {
    expect(parseDeployConfig('{"teslaRegion":"eu","collectorRateMinutes":5}')).toMatchObject({
      teslaRegion: 'eu',
      collectorRateMinutes: 5,
      fleetApiUrl: 'https://fleet-api.prd.eu.vn.cloud.tesla.com',
    });
    expect(() => parseDeployConfig('{teslaRegion: eu}')).toThrow(/config is not JSON/);
    expect(() => parseDeployConfig('"eu"')).toThrow(/config\.\(root\)/);
  });

  it('accepts context strings as given on the command line', () => {
    expect(parseDeployConfig({ collectorRateMinutes: '5', includeLocation: 'true', allowedCommands: 'door_lock,honk_horn' })).toMatchObject({
      collectorRateMinutes: 5,
      includeLocation: true,
      allowedCommands: ['door_lock', 'honk_horn'],
    });
  });
});

describe('custom domain', () => {
  const CERT = 'arn:aws:acm:eu-west-1:111122223333:certificate/0b6f4b5e-1c2d-4e3f-9a8b-7c6d5e4f3a2b';
  const synth = (config: Record<string, unknown>) => {
    const app = new App();
    const stack = new TeslaLoggerStack(app, 'Domain', {
      config: parseDeployConfig({ teslaRegion: 'eu', ...config }),
      env: { account: '111122223333', region: 'eu-west-1' },
    });
    return Template.fromStack(stack);
  };

  it('is absent by default', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
  });

  it('maps the API to the owner’s domain with TLS 1.2, aliases it in the hosted zone, and says where to pair', () => {
    const t = synth({ customDomainName: 'Tesla.Example.com', certificateArn: CERT, hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' });
    t.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'tesla.example.com',
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: CERT, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' })],
    });
    t.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    t.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'tesla.example.com.', Type: 'A', HostedZoneId: 'Z0123456789ABCDEFGHIJ' });
    const outputs = t.findOutputs('*');
    expect(outputs.PairingUrl!.Value).toBe('https://tesla.com/_ak/tesla.example.com');
    expect(outputs.PublicKeyUrl!.Value).toBe('https://tesla.example.com/.well-known/appspecific/com.tesla.3p.public-key.pem');
  });

  it('without a hosted zone, outputs the target for the owner’s CNAME instead', () => {
    const t = synth({ customDomainName: 'tesla.example.com', certificateArn: CERT });
    t.resourceCountIs('AWS::Route53::RecordSet', 0);
    expect(Object.keys(t.findOutputs('*'))).toContain('ApiDomainTarget');
  });

  it('refuses half a configuration, a domain outside its zone, and a certificate from another region', () => {
    expect(() => parseDeployConfig({ customDomainName: 'tesla.example.com' })).toThrow(/config\.certificateArn: is required/);
    expect(() => parseDeployConfig({ certificateArn: CERT })).toThrow(/config\.customDomainName/);
    expect(() => parseDeployConfig({ customDomainName: 'tesla.example.com', certificateArn: CERT, hostedZoneId: 'Z0123456789ABCDEFGHIJ' })).toThrow(
      /config\.hostedZoneName/,
    );
    expect(() =>
      parseDeployConfig({ customDomainName: 'tesla.example.org', certificateArn: CERT, hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' }),
    ).toThrow(/must be inside the hosted zone example\.com/);
    expect(() => parseDeployConfig({ customDomainName: 'https://tesla.example.com', certificateArn: CERT })).toThrow(
      /config\.customDomainName: must be a host name/,
    );
    expect(() => synth({ customDomainName: 'tesla.example.com', certificateArn: CERT.replace('eu-west-1', 'us-east-1') })).toThrow(
      /certificate is in us-east-1.*eu-west-1/,
    );
  });
});

describe('alarms', () => {
  it('alarms to an SNS topic when the Tesla login is lost or rotation fails, e-mailing the owner when configured', () => {
    const app = new App();
    const t = Template.fromStack(new TeslaLoggerStack(app, 'Alarmed', { config: parseDeployConfig({ alarmEmail: 'owner@example.com' }) }));
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'owner@example.com' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'TeslaFleetLogger',
      MetricName: 'TeslaLoginRequired',
      Dimensions: [{ Name: 'service', Value: 'token-rotation' }],
      Threshold: 1,
      AlarmActions: [Match.anyValue()],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda', AlarmActions: [Match.anyValue()] });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'BudgetUsedPercent', Threshold: 80, AlarmActions: [Match.anyValue()] });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'VehiclesNeedingAttention',
      Threshold: 1,
      Statistic: 'Maximum',
      AlarmActions: [Match.anyValue()],
    });
    t.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    expect(() => parseDeployConfig({ alarmEmail: 'not-an-email' })).toThrow(/config\.alarmEmail/);
  });
});
