import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface DynamoCounts {
  itemsWritten: number;
  bytesWritten: number;
  itemsRead: number;
  requests: number;
}

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

/** Counts what a DynamoDB client sends and reads, to print alongside a benchmark. Bytes are the JSON size of items. */
export function countDynamo(client: DynamoDBClient): DynamoCounts {
  const counts: DynamoCounts = { itemsWritten: 0, bytesWritten: 0, itemsRead: 0, requests: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Item?: unknown; ExpressionAttributeValues?: unknown; Key?: unknown };
      counts.requests += 1;
      if (WRITES.has(context.commandName ?? '')) {
        counts.itemsWritten += 1;
        counts.bytesWritten += JSON.stringify(input.Item ?? { ...(input.Key as object), ...(input.ExpressionAttributeValues as object) }).length;
      }
      const result = await next(args);
      const output = result.output as { Items?: unknown[]; Item?: unknown };
      counts.itemsRead += output.Items?.length ?? (output.Item ? 1 : 0);
      return result;
    },
    { step: 'initialize', name: 'benchDynamoCounter' },
  );
  return counts;
}
