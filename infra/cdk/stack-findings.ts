import type { Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { acknowledge } from './compliance-checks';
import type { StreamingReceiver } from './streaming-receiver';

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
    streaming: StreamingReceiver | null;
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
  if (c.streaming) acknowledgeReceiver(c.streaming);
}

/** The streaming receiver: one small instance that must be reachable by cars, and nothing else. */
function acknowledgeReceiver(r: StreamingReceiver): void {
  acknowledge(
    r.deadLetters,
    'This queue is the dead-letter queue of the streamed records (alarmed).',
    'AwsSolutions::AwsSolutions-SQS3',
    'cdk-validator-cfnguard::sqs_dlq_check',
  );
  acknowledge(
    r.securityGroup,
    'Cars connect from anywhere on the mobile network: port 443 must be open to all. The server accepts only client certificates issued by Tesla (mutual TLS), and the recorder only the owner’s VINs.',
    'AwsSolutions::AwsSolutions-EC23',
  );
  acknowledge(
    r.vpc,
    'A VPC of one public subnet for one instance: flow logs would cost more than the instance and show only cars connecting to 443.',
    'AwsSolutions::AwsSolutions-VPC7',
    'cdk-validator-cfnguard::subnet_auto_assign_public_ip_disabled_check',
  );
  acknowledge(
    r.instance,
    'One instance, replaced (not repaired) on change: its state is in SSM and SQS. Termination protection would block stack updates that replace it; basic monitoring (5-minute status checks, free) feeds the alarm; a public address is what cars connect to.',
    'AwsSolutions::AwsSolutions-EC28',
    'AwsSolutions::AwsSolutions-EC29',
    'cdk-validator-cfnguard::ec2_instance_detailed_monitoring_enabled_check',
    'cdk-validator-cfnguard::ec2_instance_no_public_ip_check',
  );
  acknowledge(
    r.instance,
    'The smallest Graviton instance is not among the types that encrypt traffic between instances; it talks to no other instance, and cars reach it over mutual TLS.',
    'cdk-validator-cfnguard::ec2_instance_nitro_encryption_in_transit_check',
  );
  acknowledge(
    r,
    'The instance role uses AmazonSSMManagedInstanceCore: Session Manager (instead of SSH) and Patch Manager need it, and AWS maintains it.',
    'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
  );
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
