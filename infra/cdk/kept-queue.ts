import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Every queue the stack makes alike: kept 14 days (SQS's longest), HTTPS only, encrypted with SQS's own key. */
export function keptQueue(scope: Construct, id: string, props: QueueProps = {}): Queue {
  return new Queue(scope, id, { retentionPeriod: Duration.days(14), enforceSSL: true, encryption: QueueEncryption.SQS_MANAGED, ...props });
}
