import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LambdaSettings } from '../config/lambda-settings';
import { systemClock } from '../domain/clock';
import { SecretsManagerApiSecret } from '../secrets/api-secret';
import { ApiTokenVerifier } from '../secrets/api-token-verifier';
import { SecretsManagerRotationRenewer, SecretsManagerTokenStore } from '../secrets/secrets-manager-token-store';
import { DynamoDbBillingStore } from '../store/dynamodb-billing-store';
import { DynamoDbCollectorRuns } from '../store/dynamodb-collector-runs';
import { DynamoDbPlaceStore } from '../store/dynamodb-place-store';
import { DynamoDbCommandStores } from '../store/dynamodb-command-stores';
import { DynamoDbHistoryStore } from '../store/dynamodb-history-store';
import { DynamoDbStores } from '../store/dynamodb-stores';
import { DynamoDbStreamStates } from '../store/dynamodb-stream-states';
import { UndiciFleetApi } from '../tesla/undici-fleet-api';
import { StoredAccessTokens } from '../tokens/stored-access-tokens';
import { READER_TOKEN_CACHE_MS } from '../tokens/token-bundle';

/** Builds the AWS adapters once per cold start. Readers get tokens through Secrets Manager and never refresh. */
export function buildAwsDeps(settings: LambdaSettings) {
  // Every AWS request has a deadline too: a stalled connection must not hold a command (and its key) past the budget.
  const requestHandler = { connectionTimeout: 1_000, requestTimeout: 3_000 };
  const secrets = new SecretsManagerClient({ requestHandler, maxAttempts: 3 });
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ requestHandler, maxAttempts: 3 }), { marshallOptions: { removeUndefinedValues: true } });
  const stores = new DynamoDbStores({ client: dynamo, tableName: settings.tableName, snapshotRetentionDays: settings.snapshotRetentionDays });
  const history = new DynamoDbHistoryStore({ client: dynamo, tableName: settings.tableName, stateChangeRetentionDays: settings.snapshotRetentionDays });
  const commands = new DynamoDbCommandStores({ client: dynamo, tableName: settings.tableName, auditRetentionDays: settings.snapshotRetentionDays });
  const collectorRuns = new DynamoDbCollectorRuns({ client: dynamo, tableName: settings.tableName });
  const billing = new DynamoDbBillingStore({ client: dynamo, tableName: settings.tableName });
  const places = new DynamoDbPlaceStore({ client: dynamo, tableName: settings.tableName });
  const streamStates = new DynamoDbStreamStates({ client: dynamo, tableName: settings.tableName });
  const tokenStore = new SecretsManagerTokenStore(secrets, settings.teslaSecretId);
  const renewer = new SecretsManagerRotationRenewer(secrets, tokenStore, settings.teslaSecretId, systemClock);
  const tokens = new StoredAccessTokens(tokenStore, renewer, systemClock, READER_TOKEN_CACHE_MS);
  const fleet = new UndiciFleetApi({
    baseUrl: settings.fleetApiUrl,
    tokens,
    // Unless the owner fixed the region: the host a 421 taught us, else the token's claims (ou_code).
    ...(settings.fleetApiUrlFixed
      ? {}
      : {
          resolveBaseUrl: async () => (await stores.learntFleetApiUrl()) ?? (await tokens.bundle()).fleetApiBaseUrl,
          onRegionChange: (baseUrl: string) => void stores.rememberFleetApiUrl(baseUrl).catch(() => undefined),
        }),
  });
  const apiSecret = new SecretsManagerApiSecret(secrets, settings.apiSecretId);
  const apiTokens = new ApiTokenVerifier(async () => {
    const secret = await apiSecret.read();
    if (secret.apiToken === null) throw new Error('the API secret has no apiToken');
    return { owner: secret.apiToken, readTokens: secret.readTokens };
  });
  return {
    secrets,
    dynamo,
    stores,
    history,
    billing,
    places,
    streamStates,
    commands,
    collectorRuns,
    tokens,
    tokenStore,
    fleet,
    apiSecret,
    apiTokens,
    clock: systemClock,
  };
}
