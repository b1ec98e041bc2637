import type { Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { acknowledge } from './compliance-checks';

/** Each deliberate departure from the rule packs, with the reason it is right for a personal deployment. */
export function acknowledgeFindings(
  stack: Stack,
  c: {
    apiSecret: Secret;
    httpApi: HttpApi;
    collectorDlq: Queue;
    automationDlq: Queue;
    rotationFn: IFunction;
    logGroups: ILogGroup[];
  },
): void {
  acknowledge(
    c.apiSecret,
    'The owner rotates the API token by hand (npm run api-token -- --rotate): automatic rotation would silently break their shortcuts and home automation. The vehicle command key beside it must not rotate at all: a new key has to be paired with every car again.',
    'AwsSolutions::AwsSolutions-SMG4',
  );
  acknowledge(
    c.httpApi,
    'Every route but /health is authorised in the function itself, before any work: a bearer token from Secrets Manager compared in constant time. A Lambda authorizer would double the invocations for no gain.',
    'AwsSolutions::AwsSolutions-APIG4',
    'cdk-validator-cfnguard::api_gw_v2_authorization_type_configured_check',
  );
  acknowledge(
    c.collectorDlq,
    'This queue is the dead-letter queue of the collector schedule.',
    'AwsSolutions::AwsSolutions-SQS3',
    'cdk-validator-cfnguard::sqs_dlq_check',
  );
  acknowledge(
    c.automationDlq,
    'This queue is the dead-letter queue of the automation schedules.',
    'AwsSolutions::AwsSolutions-SQS3',
    'cdk-validator-cfnguard::sqs_dlq_check',
  );
  acknowledgeAccountWide(stack, c.rotationFn, c.logGroups);
}

/** Findings about the stack as a whole: CDK's rotation role, no VPC, and the log groups. */
function acknowledgeAccountWide(stack: Stack, rotationFn: IFunction, logGroups: ILogGroup[]): void {
  acknowledge(
    rotationFn.role!,
    "Added by CDK's RotationSchedule: secretsmanager:GetRandomPassword reads no secret and has no resource to scope to.",
    'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
  );
  acknowledge(
    stack,
    'The functions call the public Tesla Fleet API; inside a VPC they would need a NAT gateway (~$32/month) for no protection gained: they hold no network-reachable resources.',
    'cdk-validator-cfnguard::lambda_inside_vpc_check',
  );
  for (const logGroup of logGroups) {
    acknowledge(
      logGroup,
      'Logs carry no secrets and are kept 30 days by default (logRetentionDays up to 365): a customer-managed KMS key ($1/month) and a year of logs would exceed the cost of the rest of the deployment.',
      'cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check',
      'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
    );
  }
}
