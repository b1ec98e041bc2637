import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_AWS } from '../../infra/local/dynalite-server';

/**
 * IAM as AWS applies it to a function's role: a table action the role was not granted is AccessDeniedException.
 * dynalite checks no permission, so this middleware does what the role would, with the grants the stack gives
 * (infra/cdk/table-grants.ts). https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
 */
export function asRole(endpoint: string, granted: readonly string[]): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const action = (context.commandName ?? '').replace(/Command$/, '');
      if (!granted.includes(action)) {
        throw Object.assign(new Error(`not authorized to perform: dynamodb:${action}`), { name: 'AccessDeniedException' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'fakeIam' },
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
