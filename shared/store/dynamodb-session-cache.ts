import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Domain } from '../vcp/crypto';
import type { SessionCache, VehicleSession } from '../vcp/signed-command-client';
import { commandSessionSk, vehiclePk } from './table-schema';

/**
 * Signed-command sessions between invocations, so a warm command is one round trip. Only public values are kept
 * (the car's public key, epoch, counter, clock offset): the session key is derived again from our private key,
 * which lives only in its secret.
 */
export class DynamoDbSessionCache implements SessionCache {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(vin: string, domain: Domain): Promise<VehicleSession | null> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: vehiclePk(vin), sk: commandSessionSk(domain) } }));
    if (!Item) return null;
    return {
      vin,
      domain,
      vehiclePublicKey: Buffer.from(String(Item.vehiclePublicKey), 'hex'),
      epoch: Buffer.from(String(Item.epoch), 'hex'),
      counter: Number(Item.counter),
      timeZero: Number(Item.timeZero),
      clockTime: Number(Item.clockTime ?? 0),
    };
  }

  async put(session: VehicleSession): Promise<void> {
    await this.client
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: vehiclePk(session.vin),
            sk: commandSessionSk(session.domain),
            vehiclePublicKey: session.vehiclePublicKey.toString('hex'),
            epoch: session.epoch.toString('hex'),
            counter: session.counter,
            timeZero: session.timeZero,
            clockTime: session.clockTime,
          },
          // Never move the counter backwards within an epoch (two containers racing): the car would refuse it anyway.
          ConditionExpression: 'attribute_not_exists(sk) OR epoch <> :epoch OR #counter <= :counter',
          ExpressionAttributeNames: { '#counter': 'counter' },
          ExpressionAttributeValues: { ':epoch': session.epoch.toString('hex'), ':counter': session.counter },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
      });
  }
}
