import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parseDeployConfig } from '../../../infra/cdk/deploy-config';
import { TeslaLoggerStack } from '../../../infra/cdk/tesla-logger-stack';
import { COLLECTOR_TIMEOUT_MS } from '../../../shared/domain/collector-run';

/**
 * What a first `cdk deploy` into a brand-new personal account meets, and what must keep working after it. Each test
 * pins one hazard of the real services that a local run cannot show, with the AWS documentation that states it.
 */
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  const stack = new TeslaLoggerStack(new App(), 'TeslaFleetLogger', { config: parseDeployConfig({}), env: { account: '111122223333', region: 'eu-west-1' } });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const fnId = (prefix: string): string => ofType('AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))![0];
const roleOf = (functionId: string): string => String(resources[functionId]!.Properties.Role['Fn::GetAtt'][0]);
const statementsOf = (roleId: string) =>
  ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);

describe('a first deploy into a new account', () => {
  // A new account's concurrency limit is 10, and Lambda keeps at least 10 unreserved: reserving any fails the deploy
  // ("... decreases account's UnreservedConcurrentExecution below its minimum value of [10]").
  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
  it('reserves no concurrency, so it deploys on an account whose limit is 10', () => {
    for (const [id, f] of ofType('AWS::Lambda::Function'))
      expect({ id, reserved: f.Properties.ReservedConcurrentExecutions }).toEqual({ id, reserved: undefined });
    // Runs are kept apart by a lease that lasts as long as a run can: the function's timeout.
    expect(resources[fnId('CollectorFunction')]!.Properties.Timeout * 1000).toBe(COLLECTOR_TIMEOUT_MS);
    expect(statementsOf(roleOf(fnId('CollectorFunction'))).flatMap((s) => [s.Action].flat())).toContain('dynamodb:UpdateItem');
  });

  it('refuses the old reserved-concurrency setting with what to do instead', () => {
    expect(() => parseDeployConfig({ collectorReservedConcurrency: 1 })).toThrow(/collectorReservedConcurrency.*no longer used.*remove it/);
  });

  // DeletionPolicy RetainExceptOnCreate: kept on delete and replacement, deleted when the stack's own creation
  // rolls back, so a failed first deploy leaves no orphaned table or secret behind.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
  it.each([
    ['TableCD117FA1', 'AWS::DynamoDB::GlobalTable'],
    ['TeslaTokensA5373EEA', 'AWS::SecretsManager::Secret'],
    ['ApiSecret852BEBBB', 'AWS::SecretsManager::Secret'],
  ])('keeps %s under its pinned logical ID: retained on update and delete, not orphaned by a failed create', (id, type) => {
    // A refactor that renames or moves the construct changes this ID, and CloudFormation would then create a new,
    // empty resource: the history, the login or the paired key would be left behind.
    expect(resources[id]).toMatchObject({ Type: type, DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
  });

  it('keeps the properties whose change would replace the stateful resources', () => {
    // Changing a table's key schema, or a secret's name, replaces the resource.
    expect(resources.TableCD117FA1!.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    expect(resources.TableCD117FA1!.Properties.TableName).toBeUndefined();
    for (const id of ['TeslaTokensA5373EEA', 'ApiSecret852BEBBB']) expect(resources[id]!.Properties.Name).toBeUndefined();
  });
});

describe('the safety nets work once deployed', () => {
  // A topic policy replaces SNS's default policy. enforceSSL writes one with only a Deny, so without an Allow the
  // alarms cannot publish: "... is not authorized to perform: SNS:Publish ... because no resource-based policy allows".
  // https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
  it('lets this account’s CloudWatch alarms publish to the alarm topic', () => {
    const alarmTopic = ofType('AWS::SNS::Topic').find(([id]) => id.startsWith('AlarmsTopic'))![0];
    const policy = ofType('AWS::SNS::TopicPolicy').find(([, p]) => JSON.stringify(p.Properties.Topics).includes(alarmTopic))![1];
    const allows = (policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>).filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111122223333' },
          ArnLike: { 'aws:SourceArn': expect.objectContaining({ 'Fn::Join': expect.anything() }) },
        },
      }),
    ]);
    expect(JSON.stringify(allows[0]!.Condition.ArnLike)).toContain(':cloudwatch:eu-west-1:111122223333:alarm:*');
    for (const [, alarm] of ofType('AWS::CloudWatch::Alarm')) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: alarmTopic }]);
  });

  // An EventBridge rule's or Scheduler's dead-letter queue receives only events that could not be delivered; a
  // function that fails is retried by Lambda (twice by default, events kept up to 6 hours), and only Lambda's own
  // on-failure destination sees what it gave up on.
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
  // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
  it.each([
    ['CollectorFunction', 'CollectorDeadLetters', 0, 60],
    ['AutomationRunnerFunction', 'AutomationsDeadLetters', 2, 900],
  ])('%s: Lambda retries a failed run as configured, then parks it in %s', (functionPrefix, queuePrefix, retries, maxAge) => {
    const id = fnId(functionPrefix);
    const config = ofType('AWS::Lambda::EventInvokeConfig').find(([, c]) => c.Properties.FunctionName.Ref === id)?.[1];
    expect(config?.Properties).toMatchObject({ MaximumRetryAttempts: retries, MaximumEventAgeInSeconds: maxAge, Qualifier: '$LATEST' });
    expect(config!.Properties.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0]).toMatch(new RegExp(`^${queuePrefix}`));
    // The function's role may send to that queue (Lambda sends as the function).
    const send = statementsOf(roleOf(id)).find((s) => [s.Action].flat().includes('sqs:SendMessage'));
    expect(JSON.stringify(send?.Resource)).toContain(queuePrefix);
  });

  // "You also need lambda:InvokeFunction permissions on the rotation function."
  // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html
  it('lets every function that may ask for a rotation invoke the rotation function', () => {
    const rotation = fnId('TokenRotationFunction');
    for (const reader of ['ApiFunction', 'CollectorFunction', 'AutomationRunnerFunction']) {
      const statements = statementsOf(roleOf(fnId(reader)));
      expect(statements.some((s) => [s.Action].flat().includes('secretsmanager:RotateSecret'))).toBe(true);
      const invoke = statements.find((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
      expect({ reader, resource: JSON.stringify(invoke?.Resource ?? null) }).toEqual({ reader, resource: expect.stringContaining(rotation) });
    }
  });
});
