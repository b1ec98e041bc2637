import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseRotationSettings } from '../../shared/config/lambda-settings';
import { systemClock } from '../../shared/domain/clock';
import { log } from '../../shared/logger';
import { METRIC, METRICS_NAMESPACE, ROTATION_SERVICE } from '../../shared/metric-names';
import { UndiciOAuthClient } from '../../shared/tesla/undici-oauth-client';
import { createRotationHandler } from './create-handler';

const settings = parseRotationSettings(process.env);
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: ROTATION_SERVICE });

export const handler = createRotationHandler({
  client: new SecretsManagerClient({}),
  oauth: new UndiciOAuthClient({ authUrl: settings.authUrl }),
  clock: systemClock,
  log,
  fleetApiUrl: settings.fleetApiUrl,
  signals: {
    // Published at once, only on failure: a middleware flush would log "no metrics" on every good rotation step.
    failed: (kind) => {
      metrics.singleMetric().addMetric(METRIC.tokenRotationFailures, MetricUnit.Count, 1);
      if (kind === 'login_required') metrics.singleMetric().addMetric(METRIC.teslaLoginRequired, MetricUnit.Count, 1);
    },
  },
});
