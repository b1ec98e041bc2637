import type { DynamoDBDocumentClient} from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Snapshot } from '../domain/snapshot';
import type { SnapshotPage, SnapshotQuery, SnapshotStore, VehicleRecord, VehicleStore } from '../domain/stores';
import { InvalidCursorError } from './invalid-cursor-error';
import { ACCOUNT_PK, SNAPSHOT_SK_PREFIX, snapshotSk, TTL_ATTRIBUTE, vehiclePk, vehicleSk } from './table-schema';

export interface DynamoDbStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Raw snapshots expire this many days after they were taken. */
  snapshotRetentionDays: number;
}

/** Vehicle records and snapshots in the single table (see table-schema). */
export class DynamoDbStores implements VehicleStore, SnapshotStore {
  constructor(private readonly options: DynamoDbStoreOptions) {}

  async listVehicles(): Promise<VehicleRecord[]> {
    const records: VehicleRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': ACCOUNT_PK, ':prefix': 'VEHICLE#' },
          ExclusiveStartKey: start,
        }),
      );
      records.push(...(page.Items ?? []).map((item) => item.record as VehicleRecord));
      start = page.LastEvaluatedKey;
    } while (start);
    return records;
  }

  async getVehicle(vin: string): Promise<VehicleRecord | null> {
    const { Item } = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: { pk: ACCOUNT_PK, sk: vehicleSk(vin) } }),
    );
    return (Item?.record as VehicleRecord | undefined) ?? null;
  }

  async putVehicle(record: VehicleRecord): Promise<void> {
    await this.options.client.send(
      new PutCommand({ TableName: this.options.tableName, Item: { pk: ACCOUNT_PK, sk: vehicleSk(record.vin), record } }),
    );
  }

  async putSnapshot(snapshot: Snapshot): Promise<void> {
    const expiresAt = Math.floor(snapshot.takenAt / 1000) + this.options.snapshotRetentionDays * 86_400;
    // Keyed by the car's own timestamp: storing the same observation again overwrites it with itself.
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: { pk: vehiclePk(snapshot.vin), sk: snapshotSk(snapshot.takenAt), snapshot, [TTL_ATTRIBUTE]: expiresAt },
      }),
    );
  }

  async latestSnapshot(vin: string): Promise<Snapshot | null> {
    const { Items } = await this.options.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': vehiclePk(vin), ':prefix': SNAPSHOT_SK_PREFIX },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    return (Items?.[0]?.snapshot as Snapshot | undefined) ?? null;
  }

  async snapshotsBetween(vin: string, query: SnapshotQuery): Promise<SnapshotPage> {
    const page = await this.options.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': vehiclePk(vin), ':from': snapshotSk(query.fromMs), ':to': snapshotSk(query.toMs) },
        Limit: query.limit,
        ExclusiveStartKey: query.cursor ? decodeCursor(query.cursor, vehiclePk(vin)) : undefined,
      }),
    );
    return {
      items: (page.Items ?? []).map((item) => item.snapshot as Snapshot),
      cursor: page.LastEvaluatedKey ? encodeCursor(page.LastEvaluatedKey) : null,
    };
  }
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ sk: key.sk })).toString('base64url');
}

function decodeCursor(cursor: string, pk: string): Record<string, unknown> {
  try {
    const { sk } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { sk?: unknown };
    if (typeof sk !== 'string' || !sk.startsWith(SNAPSHOT_SK_PREFIX)) throw new InvalidCursorError();
    return { pk, sk };
  } catch {
    throw new InvalidCursorError();
  }
}
