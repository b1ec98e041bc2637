import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseLambdaSettings } from '../../shared/config/lambda-settings';
import { buildAwsDeps } from '../../shared/composition/aws';
import { awsNotifications } from '../../shared/composition/aws-notifications';
import { awsAutomationStore, awsCommandDeps } from '../../shared/composition/aws-command-deps';
import { log } from '../../shared/logger';
import { AUTOMATION_SERVICE, METRIC, METRICS_NAMESPACE } from '../../shared/metric-names';
import { createAutomationRunnerHandler } from './create-handler';

const settings = parseLambdaSettings(process.env);
const aws = buildAwsDeps(settings);
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: AUTOMATION_SERVICE });
const notifications = awsNotifications(aws, settings, log);

export const handler = createAutomationRunnerHandler({
  ...awsCommandDeps(aws, settings, log),
  automationStore: awsAutomationStore(aws, settings),
  automationFailed: (automation, run) => {
    metrics.singleMetric().addMetric(METRIC.automationFailures, MetricUnit.Count, 1);
    return notifications.automationFailed(automation, run);
  },
});
