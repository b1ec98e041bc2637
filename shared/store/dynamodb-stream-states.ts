import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StreamStateStore } from '../domain/telemetry/record-stream';
import type { StreamCarState } from '../domain/telemetry/stream-fold';
import { STREAM_STATE_SK, vehiclePk } from './table-schema';

/** Each car's streamed state: one small item (VEHICLE#<vin> / STREAM), never moved back to an older record's. */
export class DynamoDbStreamStates implements StreamStateStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async getStreamState(vin: string): Promise<StreamCarState | null> {
    const { Item } = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: { pk: vehiclePk(vin), sk: STREAM_STATE_SK }, ConsistentRead: true }),
    );
    return (Item?.state as StreamCarState | undefined) ?? null;
  }

  async putStreamState(state: StreamCarState): Promise<void> {
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: { pk: vehiclePk(state.vin), sk: STREAM_STATE_SK, at: state.at, state },
          ConditionExpression: 'attribute_not_exists(#at) OR #at <= :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': state.at },
        }),
      );
    } catch (error) {
      // A newer state is already stored: keeping it is the point.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
