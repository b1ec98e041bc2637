import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseLambdaSettings } from '../../shared/config/lambda-settings';
import { COMMAND_TIMEOUT_MS } from '../../shared/domain/command-service';
import { buildAwsDeps } from '../../shared/composition/aws';
import { log } from '../../shared/logger';
import { SecretsManagerCommandKeyStore } from '../../shared/secrets/command-key-stores';
import { cachedCommandKey } from '../../shared/vcp/command-key';
import { DynamoDbSessionCache } from '../../shared/store/dynamodb-session-cache';
import { SignedCommandClient } from '../../shared/vcp/signed-command-client';
import { API_SERVICE, METRIC, METRICS_NAMESPACE } from '../../shared/metric-names';
import { createApiHandler } from './create-handler';

// Cold start: settings are checked and adapters built once; a bad setting fails the init, loudly.
const settings = parseLambdaSettings(process.env);
const aws = buildAwsDeps(settings);
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: API_SERVICE });

/** Signed commands once the API secret holds a key (`npm run keys`); sessions are kept in the table. */
function signedCommands() {
  const commandKey = cachedCommandKey(new SecretsManagerCommandKeyStore(aws.apiSecret));
  const signed = new SignedCommandClient({ key: commandKey, sessions: new DynamoDbSessionCache(aws.dynamo, settings.tableName), clock: aws.clock });
  return { commandKey, signed };
}

export const handler = createApiHandler(
  {
    vehicles: aws.stores,
    snapshots: aws.stores,
    history: aws.history,
    usage: aws.stores,
    monthlyBudgetUsd: settings.monthlyBudgetUsd,
    pricePerKwh: settings.pricePerKwh,
    fleet: aws.fleet,
    clock: aws.clock,
    log,
    allowedCommands: settings.allowedCommands,
    audit: aws.commands,
    idempotency: aws.commands,
    signing: aws.commands, rateLimits: aws.commands,
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    // Published at once, only on failure: a middleware flush would log "no metrics" on every other request.
    commandFailed: () => metrics.singleMetric().addMetric(METRIC.commandFailures, MetricUnit.Count, 1),
    ...signedCommands(),
  },
  aws.apiTokens,
);
