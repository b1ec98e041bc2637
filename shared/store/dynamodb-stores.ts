import type { ListingMemory, ListingMemoryStore } from '../domain/list-policy';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DAY_MS } from '../domain/clock';
import { utcDate, type DayRollup } from '../domain/odometer-history';
import { emptyCounts, type RequestCounts } from '../domain/request-meter';
import type { Snapshot } from '../domain/snapshot';
import type { SnapshotPage, SnapshotQuery, SnapshotStore, UsageLedger, VehicleRecord, VehicleStore } from '../domain/stores';
import { queryAll } from './query-all';
import { queryRangePage } from './range-cursor';
import {
  ACCOUNT_PK,
  daySk,
  FLEET_HOST_SK,
  LISTING_SK,
  SNAPSHOT_SK_PREFIX,
  snapshotSk,
  TTL_ATTRIBUTE,
  usagePk,
  usageSk,
  vehiclePk,
  vehicleSk,
} from './table-schema';

export interface DynamoDbStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Raw snapshots expire this many days after they were taken. */
  snapshotRetentionDays: number;
}

/** Vehicle records, snapshots, day rollups and the usage ledger in the single table (see table-schema). */
export class DynamoDbStores implements VehicleStore, SnapshotStore, UsageLedger, ListingMemoryStore {
  constructor(private readonly options: DynamoDbStoreOptions) {}

  async listVehicles(): Promise<VehicleRecord[]> {
    const items = await queryAll(this.options, 'pk = :pk AND begins_with(sk, :prefix)', { ':pk': ACCOUNT_PK, ':prefix': 'VEHICLE#' });
    return items.map((item) => item.record as VehicleRecord);
  }

  async getVehicle(vin: string): Promise<VehicleRecord | null> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { pk: ACCOUNT_PK, sk: vehicleSk(vin) } }));
    return (Item?.record as VehicleRecord | undefined) ?? null;
  }

  /** The Fleet API host Tesla's last 421 named for this account, so the next cold start goes there at once. */
  async learntFleetApiUrl(): Promise<string | null> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { pk: ACCOUNT_PK, sk: FLEET_HOST_SK } }));
    return typeof Item?.baseUrl === 'string' ? Item.baseUrl : null;
  }

  async rememberFleetApiUrl(baseUrl: string): Promise<void> {
    await this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: { pk: ACCOUNT_PK, sk: FLEET_HOST_SK, baseUrl } }));
  }

  async getListingMemory(): Promise<ListingMemory | null> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { pk: ACCOUNT_PK, sk: LISTING_SK } }));
    return (Item?.memory as ListingMemory | undefined) ?? null;
  }

  async putListingMemory(memory: ListingMemory): Promise<void> {
    await this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: { pk: ACCOUNT_PK, sk: LISTING_SK, memory } }));
  }

  /** The whole `vehicle_data` answer stored with a snapshot, or null (none kept, or expired). */
  async rawSnapshot(vin: string, takenAt: number): Promise<unknown> {
    const { Item } = await this.options.client.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: { pk: vehiclePk(vin), sk: snapshotSk(takenAt) },
        ProjectionExpression: '#raw',
        ExpressionAttributeNames: { '#raw': 'raw' },
      }),
    );
    const raw = Item?.raw as Uint8Array | undefined;
    return raw ? (JSON.parse(gunzipSync(raw).toString('utf8')) as unknown) : null;
  }

  async putVehicle(record: VehicleRecord): Promise<void> {
    await this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: { pk: ACCOUNT_PK, sk: vehicleSk(record.vin), record } }));
  }

  async putSnapshot(snapshot: Snapshot, raw?: unknown): Promise<void> {
    const expiresAt = Math.floor(snapshot.takenAt / 1000) + this.options.snapshotRetentionDays * 86_400;
    // The whole answer, gzipped (a few KiB of JSON become about one), expires with the snapshot.
    const body = raw === undefined ? {} : { raw: gzipSync(JSON.stringify(raw)) };
    // Keyed by the car's own timestamp: storing the same observation again overwrites it with itself.
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: { pk: vehiclePk(snapshot.vin), sk: snapshotSk(snapshot.takenAt), snapshot, ...body, [TTL_ATTRIBUTE]: expiresAt },
      }),
    );
    await this.updateRollup(snapshot);
  }

  /**
   * Keeps the day's lowest and highest odometer. DynamoDB cannot take a min/max in an update, so each bound is a
   * conditional write that only moves outwards: repeating or reordering writes cannot make a day wrong.
   */
  private async updateRollup(snapshot: Snapshot): Promise<void> {
    if (snapshot.odometerMi === null) return;
    const date = utcDate(snapshot.takenAt);
    const bound = async (attribute: 'firstOdometerMi' | 'lastOdometerMi', comparison: '>' | '<'): Promise<void> => {
      try {
        await this.options.client.send(
          new UpdateCommand({
            TableName: this.options.tableName,
            Key: { pk: vehiclePk(snapshot.vin), sk: daySk(date) },
            UpdateExpression: `SET #a = :o, vin = :vin, #d = :date`,
            ConditionExpression: `attribute_not_exists(#a) OR #a ${comparison} :o`,
            ExpressionAttributeNames: { '#a': attribute, '#d': 'date' },
            ExpressionAttributeValues: { ':o': snapshot.odometerMi, ':vin': snapshot.vin, ':date': date },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    };
    await bound('firstOdometerMi', '>');
    await bound('lastOdometerMi', '<');
  }

  async dayRollups(vin: string, fromDate: string, toDate: string): Promise<{ days: DayRollup[]; before: DayRollup | null }> {
    const days = (
      await queryAll(this.options, 'pk = :pk AND sk BETWEEN :from AND :to', { ':pk': vehiclePk(vin), ':from': daySk(fromDate), ':to': daySk(toDate) })
    ).map(toRollup);
    const dayBefore = utcDate(Date.parse(`${fromDate}T00:00:00Z`) - DAY_MS);
    const previous = await this.options.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': vehiclePk(vin), ':lo': daySk('0000-00-00'), ':hi': daySk(dayBefore) },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const before = previous.Items?.[0];
    return { days, before: before ? toRollup(before) : null };
  }

  async addUsage(scope: string, month: string, counts: RequestCounts): Promise<void> {
    if (counts.data + counts.command + counts.wake + counts.free + counts.history === 0) return;
    await this.options.client.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: { pk: usagePk(scope), sk: usageSk(month) },
        UpdateExpression: 'ADD #data :data, #command :command, #wake :wake, #free :free, #history :history',
        ExpressionAttributeNames: { '#data': 'data', '#command': 'command', '#wake': 'wake', '#free': 'free', '#history': 'history' },
        ExpressionAttributeValues: { ':data': counts.data, ':command': counts.command, ':wake': counts.wake, ':free': counts.free, ':history': counts.history },
      }),
    );
  }

  async getUsage(scope: string, month: string): Promise<RequestCounts> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { pk: usagePk(scope), sk: usageSk(month) } }));
    const counts = emptyCounts();
    for (const key of Object.keys(counts) as Array<keyof RequestCounts>) counts[key] = typeof Item?.[key] === 'number' ? Item[key] : 0;
    return counts;
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

  snapshotsBetween(vin: string, query: SnapshotQuery): Promise<SnapshotPage> {
    const range = { fromMs: query.fromMs, toMs: query.toMs, fromSk: snapshotSk(query.fromMs), toSk: snapshotSk(query.toMs) };
    return queryRangePage<Snapshot>(this.options, vehiclePk(vin), range, query, 'snapshot');
  }
}

function toRollup(item: Record<string, unknown>): DayRollup {
  return {
    vin: String(item.vin),
    date: String(item.date),
    firstOdometerMi: Number(item.firstOdometerMi),
    lastOdometerMi: Number(item.lastOdometerMi),
  };
}
