import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseLambdaSettings } from '../../shared/config/lambda-settings';
import { buildAwsDeps } from '../../shared/composition/aws';
import { awsNotifications } from '../../shared/composition/aws-notifications';
import { awsAutomationStore, awsCommandDeps } from '../../shared/composition/aws-command-deps';
import { log } from '../../shared/logger';
import { API_SERVICE, METRIC, METRICS_NAMESPACE } from '../../shared/metric-names';
import { EventBridgeAutomationTrigger } from '../../shared/scheduler/eventbridge-automation-trigger';
import { awsStreaming } from '../../shared/composition/aws-streaming';
import { createApiHandler } from './create-handler';

// Cold start: settings are checked and adapters built once; a bad setting fails the init, loudly.
const settings = parseLambdaSettings(process.env);
const aws = buildAwsDeps(settings);
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: API_SERVICE });
const { outbox, notifier, emailAvailable, policy } = awsNotifications(aws, settings, log);

const commandDeps = awsCommandDeps(aws, settings, log);

export const handler = createApiHandler(
  {
    ...commandDeps,
    // Published at once, only on failure: a middleware flush would log "no metrics" on every other request.
    commandFailed: () => metrics.singleMetric().addMetric(METRIC.commandFailures, MetricUnit.Count, 1),
    notifications: { outbox, notifier, emailAvailable, policy },
    ...(settings.receiver ? { streaming: awsStreaming(aws, settings.receiver, commandDeps.commandKey!) } : {}),
    ...(settings.automations
      ? {
          automations: {
            store: awsAutomationStore(aws, settings),
            trigger: new EventBridgeAutomationTrigger(
              (scheduler) => new scheduler.SchedulerClient({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 }, maxAttempts: 3 }),
              settings.automations,
            ),
          },
        }
      : {}),
  },
  aws.apiTokens,
);
