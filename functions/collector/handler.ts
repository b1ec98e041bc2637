import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseLambdaSettings } from '../../shared/config/lambda-settings';
import { buildAwsDeps } from '../../shared/composition/aws';
import { composeCollectorDeps } from '../../shared/composition/collector-deps';
import { awsNotifications } from '../../shared/composition/aws-notifications';
import type { BillingCategory } from '../../shared/domain/fleet-api';
import { log } from '../../shared/logger';
import { COLLECTOR_SERVICE, METRIC, METRICS_NAMESPACE } from '../../shared/metric-names';
import { createCollectorHandler } from './create-handler';

const settings = parseLambdaSettings(process.env);
const aws = buildAwsDeps(settings);
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: COLLECTOR_SERVICE });
const { collectorNotices } = awsNotifications(aws, settings, log);

export const handler = createCollectorHandler(
  composeCollectorDeps({
    fleet: aws.fleet,
    stores: aws.stores,
    history: aws.history,
    billing: aws.billing,
    clock: aws.clock,
    log,
    tunables: settings,
    onReading: (car, reading) => collectorNotices.onReading(car, reading),
    // Read afresh (one GetSecretValue a pass) only while a car waits for a scope: the new login's token is then used.
    grantedScopes: async () => (await aws.tokens.bundle(true)).scopes ?? null,
    // With streaming on, a car that streams is left to the stream (one small read per car and pass).
    ...(settings.receiver ? { streamStates: aws.streamStates } : {}),
  }),
  {
    signals: {
      passCompleted: (summary) => {
        metrics.addMetric(METRIC.snapshotsWritten, MetricUnit.Count, summary.snapshotsWritten);
        metrics.addMetric(METRIC.vehiclesNeedingAttention, MetricUnit.Count, summary.vehiclesNeedingAttention);
        // Billable categories only: each metric stream costs money past CloudWatch's free ten.
        for (const category of ['data', 'command', 'wake'] as const satisfies readonly BillingCategory[]) {
          const count = summary.requests[category];
          const single = metrics.singleMetric();
          single.addDimension('category', category);
          single.addMetric(METRIC.fleetRequests, MetricUnit.Count, count);
        }
        const used = Math.max(0, ...summary.vehicles.map((v) => v.budgetUsedPercent));
        metrics.addMetric(METRIC.budgetUsedPercent, MetricUnit.Percent, used);
        // Published here, not by a middleware: a run that did no pass (not logged in yet) has no figures, and an
        // empty flush would log a warning every minute.
        metrics.publishStoredMetrics();
      },
    },
    notices: collectorNotices,
    runs: aws.collectorRuns,
  },
);
