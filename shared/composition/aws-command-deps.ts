import type { LambdaSettings } from '../config/lambda-settings';
import { composeCommandDeps } from './command-deps';
import type { ApiDeps } from '../http/api-deps';
import type { Log } from '../domain/stores';
import { SecretsManagerCommandKeyStore } from '../secrets/command-key-stores';
import { DynamoDbAutomationStore } from '../store/dynamodb-automation-store';
import { DynamoDbSessionCache } from '../store/dynamodb-session-cache';
import { cachedCommandKey } from '../vcp/command-key';
import { SignedCommandClient } from '../vcp/signed-command-client';
import type { buildAwsDeps } from './aws';

/**
 * What sending a command needs in AWS, for the API and the automation runner alike: the stores, the Fleet client,
 * signed commands once the API secret holds a key (`npm run keys`), sessions in the table.
 */
export function awsCommandDeps(aws: ReturnType<typeof buildAwsDeps>, settings: LambdaSettings, log: Log): ApiDeps {
  const commandKey = cachedCommandKey(new SecretsManagerCommandKeyStore(aws.apiSecret));
  return composeCommandDeps({
    stores: aws.stores,
    history: aws.history,
    billing: aws.billing,
    places: aws.places,
    commands: aws.commands,
    fleet: aws.fleet,
    clock: aws.clock,
    log,
    tunables: settings,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    commandKey,
    signed: new SignedCommandClient({ key: commandKey, sessions: new DynamoDbSessionCache(aws.dynamo, settings.tableName), clock: aws.clock }),
  });
}

export function awsAutomationStore(aws: ReturnType<typeof buildAwsDeps>, settings: LambdaSettings): DynamoDbAutomationStore {
  return new DynamoDbAutomationStore({ client: aws.dynamo, tableName: settings.tableName });
}
