import { ArnFormat, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { COLLECTOR_SERVICE, METRIC, METRICS_NAMESPACE, ROTATION_SERVICE, STREAM_SERVICE } from '../../shared/metric-names';

export interface OwnerAlarmsProps {
  alarmEmail: string | undefined;
  rotationFn: IFunction;
  collectorFn: IFunction;
  /** With streaming: the records' dead-letter queue and the receiver's instance. */
  streaming?: { deadLetters: IQueue; instanceId: string };
}

/** Alarms that tell the owner something needs them, to an SNS topic (e-mailed when `alarmEmail` is set). */
export class OwnerAlarms extends Construct {
  constructor(scope: Construct, id: string, props: OwnerAlarmsProps) {
    super(scope, id);
    const topic = new Topic(this, 'Topic', { displayName: 'Tesla Fleet logger alarms', enforceSSL: true });
    if (props.alarmEmail) topic.addSubscription(new EmailSubscription(props.alarmEmail));
    // enforceSSL gives the topic a policy of its own, with only a Deny in it; a topic policy replaces SNS's default
    // one, so nothing allows CloudWatch to publish and every alarm action fails ("... is not authorized to perform:
    // SNS:Publish ... because no resource-based policy allows"). Allow this account's alarms, and only them.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-actions.html
    // https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
    allowThisAccountsAlarms(topic);
    ownerAlarms(scope, new SnsAction(topic), props);
    new CfnOutput(scope, 'AlarmTopicArn', { value: topic.topicArn });
  }
}

function allowThisAccountsAlarms(topic: Topic): void {
  const stack = Stack.of(topic);
  topic.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AllowThisAccountsAlarms',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        },
      },
    }),
  );
}

/** The alarms an owner is told of, each with what to do. */
function ownerAlarms(scope: Construct, notify: SnsAction, props: OwnerAlarmsProps): void {
  const atLeast = (alarmId: string, threshold: number, metric: IMetric, alarmDescription: string): void => {
    new Alarm(scope, alarmId, {
      alarmDescription,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(notify);
  };
  const custom = (metricName: string, service: string, statistic: string) =>
    new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service }, statistic, period: Duration.hours(1) });

  atLeast(
    'TeslaLoginLostAlarm',
    1,
    custom(METRIC.teslaLoginRequired, ROTATION_SERVICE, 'Sum'),
    'The Tesla login chain is lost (login_required). Sign in again: npm run login -- --secret-id <TeslaTokenSecretArn>',
  );
  atLeast(
    'TokenRotationFailingAlarm',
    1,
    props.rotationFn.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
    'Tesla token rotation failed; readers will soon lack a fresh token. See the TokenRotation function logs.',
  );
  atLeast(
    'CollectorFailingAlarm',
    3,
    props.collectorFn.metricErrors({ period: Duration.minutes(15), statistic: 'Sum' }),
    'The collector failed in 3 or more runs within 15 minutes (Tesla unreachable, token or permissions). See its logs.',
  );
  atLeast(
    'BudgetNearLimitAlarm',
    80,
    custom(METRIC.budgetUsedPercent, COLLECTOR_SERVICE, 'Maximum'),
    'A car has used 80 % of its share of the monthly Tesla budget; polling is being slowed.',
  );
  atLeast(
    'VehicleNeedsAttentionAlarm',
    1,
    custom(METRIC.vehiclesNeedingAttention, COLLECTOR_SERVICE, 'Maximum'),
    'A car is online without a fresh reading for hours, its reads keep failing (e.g. a missing scope), or it should stream and does not. GET /vehicles shows which, and why.',
  );
  if (props.streaming) streamingAlarms(atLeast, custom, props.streaming);
}

type AtLeast = (alarmId: string, threshold: number, metric: IMetric, alarmDescription: string) => void;

/** What needs the owner when streaming: records that could not be stored, records left out, a receiver down. */
function streamingAlarms(
  atLeast: AtLeast,
  custom: (metric: string, service: string, statistic: string) => Metric,
  s: NonNullable<OwnerAlarmsProps['streaming']>,
): void {
  atLeast(
    'StreamRecordsNotStoredAlarm',
    1,
    s.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(15), statistic: 'Maximum' }),
    'Streamed records could not be stored after 5 tries and wait in the dead-letter queue (14 days). See the StreamRecorder function logs; once mended, move them back with a DLQ redrive.',
  );
  atLeast(
    'StreamRecordsLeftOutAlarm',
    1,
    custom(METRIC.streamRecordsLeftOut, STREAM_SERVICE, 'Sum'),
    'Streamed records were left out: unreadable, for a car that is not yours, or older than one recorded. The StreamRecorder logs say which.',
  );
  // EC2 recovers an instance whose host fails by itself (simplified automatic recovery); this is for the rest.
  // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-recover.html
  atLeast(
    'ReceiverDownAlarm',
    1,
    new Metric({
      namespace: 'AWS/EC2',
      metricName: 'StatusCheckFailed',
      dimensionsMap: { InstanceId: s.instanceId },
      statistic: 'Maximum',
      period: Duration.minutes(15),
    }),
    'The streaming receiver fails its status checks. A car keeps unacked records only briefly, so what it streams meanwhile may be lost (polling goes on). Reboot it in the EC2 console; npm run doctor checks it.',
  );
}
