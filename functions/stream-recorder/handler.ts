import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseLambdaSettings } from '../../shared/config/lambda-settings';
import { buildAwsDeps } from '../../shared/composition/aws';
import { DEFAULT_SIGNALS, streamFoldOptions } from '../../shared/domain/telemetry/signal-set';
import { log } from '../../shared/logger';
import { METRIC, METRICS_NAMESPACE, STREAM_SERVICE } from '../../shared/metric-names';
import { createStreamRecorderHandler } from './create-handler';

const settings = parseLambdaSettings(process.env);
const aws = buildAwsDeps(settings);
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: STREAM_SERVICE });

export const handler = createStreamRecorderHandler(
  {
    snapshots: aws.stores,
    streamStates: aws.streamStates,
    vehicles: aws.stores,
    history: aws.history,
    includeLocation: settings.includeLocation,
    fold: streamFoldOptions(DEFAULT_SIGNALS),
    log,
    watch: aws.streamStates,
  },
  {
    batchDone: (counts) => {
      metrics.addMetric(METRIC.streamRecordsLeftOut, MetricUnit.Count, counts.unreadable + counts.unknown_vin + counts.late);
      metrics.publishStoredMetrics();
    },
  },
);
