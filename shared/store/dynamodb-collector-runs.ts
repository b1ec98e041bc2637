import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CollectorRunRecord, CollectorRunStore, LeaseTaken } from '../domain/collector-run';
import { ACCOUNT_PK, COLLECTOR_RUN_SK } from './table-schema';

/**
 * The collector's run lease and its last run, one item (ACCOUNT / COLLECTOR_RUN). Two writes a run: taking the lease
 * (which also reads the last run, in the same request) and finishing it.
 */
/** Item writes each collector run makes for its lease (the cost model counts them). */
export const COLLECTOR_RUN_WRITES = 2;

export class DynamoDbCollectorRuns implements CollectorRunStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  private readonly key = { pk: ACCOUNT_PK, sk: COLLECTOR_RUN_SK };

  async takeRunLease(holder: string, now: number, leaseMs: number): Promise<LeaseTaken> {
    try {
      const out = await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: this.key,
          UpdateExpression: 'SET leaseHolder = :holder, leaseUntil = :until',
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now',
          ExpressionAttributeValues: { ':holder': holder, ':until': now + leaseMs, ':now': now },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { acquired: true, previous: (out.Attributes?.lastRun as CollectorRunRecord | undefined) ?? null };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { acquired: false, previous: null };
      throw error;
    }
  }

  async finishRun(holder: string, record: CollectorRunRecord): Promise<void> {
    try {
      await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: this.key,
          UpdateExpression: 'SET lastRun = :record REMOVE leaseHolder, leaseUntil',
          ConditionExpression: 'leaseHolder = :holder',
          ExpressionAttributeValues: { ':holder': holder, ':record': record },
        }),
      );
    } catch (error) {
      // The lease ran out and another run holds it now: that run records itself.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async lastRun(): Promise<CollectorRunRecord | null> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: this.key }));
    return (Item?.lastRun as CollectorRunRecord | undefined) ?? null;
  }
}
