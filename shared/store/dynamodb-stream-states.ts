import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StreamStateStore } from '../domain/telemetry/record-stream';
import type { StreamCarState } from '../domain/telemetry/stream-fold';
import type { StreamWatch, StreamWatchStore } from '../domain/telemetry/stream-watch';
import { STREAM_STATE_SK, STREAM_WATCH_SK, vehiclePk } from './table-schema';

/**
 * Each car's streamed state: one small item (VEHICLE#<vin> / STREAM), never moved back to an older record's; and its
 * watch (VEHICLE#<vin> / STREAM#WATCH), whose two halves are written by different functions (the API sets whether the
 * car should stream, the recorder its connection), each updating only its own attributes.
 */
export class DynamoDbStreamStates implements StreamStateStore, StreamWatchStore {
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

  async getStreamWatch(vin: string): Promise<StreamWatch | null> {
    const { Item } = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: { pk: vehiclePk(vin), sk: STREAM_WATCH_SK }, ConsistentRead: true }),
    );
    if (Item === undefined) return null;
    const at = Item.connectionAt as number | undefined;
    return {
      vin,
      configuredUntil: (Item.configuredUntil as number | null | undefined) ?? null,
      connection: at === undefined ? null : { connected: Item.connected === true, at },
    };
  }

  async setConfiguredUntil(vin: string, until: number | null): Promise<void> {
    await this.options.client.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: { pk: vehiclePk(vin), sk: STREAM_WATCH_SK },
        UpdateExpression: 'SET configuredUntil = :until',
        ExpressionAttributeValues: { ':until': until },
      }),
    );
  }

  async recordConnection(vin: string, connection: { connected: boolean; at: number }): Promise<void> {
    try {
      await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { pk: vehiclePk(vin), sk: STREAM_WATCH_SK },
          UpdateExpression: 'SET connected = :connected, connectionAt = :at',
          ConditionExpression: 'attribute_not_exists(connectionAt) OR connectionAt <= :at',
          ExpressionAttributeValues: { ':connected': connection.connected, ':at': connection.at },
        }),
      );
    } catch (error) {
      // A newer event is already stored.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
