import { CfnOutput, Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { COLLECTOR_SERVICE, METRIC, METRICS_NAMESPACE, ROTATION_SERVICE } from '../../shared/metric-names';

export interface OwnerAlarmsProps {
  alarmEmail: string | undefined;
  rotationFn: IFunction;
  collectorFn: IFunction;
}

/** Alarms that tell the owner something needs them, to an SNS topic (e-mailed when `alarmEmail` is set). */
export class OwnerAlarms extends Construct {
  constructor(scope: Construct, id: string, props: OwnerAlarmsProps) {
    super(scope, id);
    const topic = new Topic(this, 'Topic', { displayName: 'Tesla Fleet logger alarms', enforceSSL: true });
    if (props.alarmEmail) topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const notify = new SnsAction(topic);
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

    atLeast('TeslaLoginLostAlarm', 1, custom(METRIC.teslaLoginRequired, ROTATION_SERVICE, 'Sum'),
      'The Tesla login chain is lost (login_required). Sign in again: npm run login -- --secret-id <TeslaTokenSecretArn>');
    atLeast('TokenRotationFailingAlarm', 1, props.rotationFn.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      'Tesla token rotation failed; readers will soon lack a fresh token. See the TokenRotation function logs.');
    atLeast('CollectorFailingAlarm', 3, props.collectorFn.metricErrors({ period: Duration.minutes(15), statistic: 'Sum' }),
      'The collector failed in 3 or more runs within 15 minutes (Tesla unreachable, token or permissions). See its logs.');
    atLeast('BudgetNearLimitAlarm', 80, custom(METRIC.budgetUsedPercent, COLLECTOR_SERVICE, 'Maximum'),
      'A car has used 80 % of its share of the monthly Tesla budget; polling is being slowed.');
    atLeast('VehicleNeedsAttentionAlarm', 1, custom(METRIC.vehiclesNeedingAttention, COLLECTOR_SERVICE, 'Maximum'),
      'A car is online without a fresh reading for hours, or its reads keep failing (e.g. a missing scope). GET /vehicles shows which, and why.');
    new CfnOutput(scope, 'AlarmTopicArn', { value: topic.topicArn });
  }
}
