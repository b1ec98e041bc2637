import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChannelName, Delivery, Notification, NotificationConfig, NotificationOutbox } from '../domain/notifications/notification';
import { queryAll } from './query-all';
import { ACCOUNT_PK, NOTIFY_CONFIG_SK, NOTIFY_DUE_PREFIX, NOTIFY_OUT_PREFIX, notifyWatchSk, TTL_ATTRIBUTE } from './table-schema';

const KEEP_DAYS = 30;

/** The notification queue and settings in the single table (see table-schema). */
export class DynamoDbNotificationOutbox implements NotificationOutbox {
  constructor(private readonly db: { client: DynamoDBDocumentClient; tableName: string }) {}

  async getConfig(): Promise<NotificationConfig | null> {
    return ((await this.get(NOTIFY_CONFIG_SK))?.config as NotificationConfig | undefined) ?? null;
  }

  async putConfig(config: NotificationConfig): Promise<void> {
    await this.put({ sk: NOTIFY_CONFIG_SK, config });
  }

  async enqueue(notification: Notification, channel: ChannelName, now: number): Promise<boolean> {
    const delivery: Delivery = { notification, channel, attempts: 0, status: 'pending', nextAttemptAt: now, lastError: null };
    const key = `${notification.id}#${channel}`;
    try {
      // The record of the event on this channel: written once, so a second sighting queues nothing.
      await this.db.client.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { pk: ACCOUNT_PK, sk: `${NOTIFY_OUT_PREFIX}${key}`, delivery, [TTL_ATTRIBUTE]: Math.floor(now / 1000) + KEEP_DAYS * 86_400 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return this.requeueIfLost(key);
    }
    await this.put({ sk: `${NOTIFY_DUE_PREFIX}${key}`, delivery });
    return true;
  }

  /**
   * Seen again, and recorded before. If the process failed between the record and its queue entry (the detectors
   * then see the event again, as their memory was not saved), the record is pending and untried with nothing queued:
   * it is queued now, so the notification is late but not lost. Anything tried or queued stays as it is.
   */
  private async requeueIfLost(key: string): Promise<boolean> {
    const recorded = (await this.get(`${NOTIFY_OUT_PREFIX}${key}`))?.delivery as Delivery | undefined;
    if (recorded === undefined || recorded.status !== 'pending' || recorded.attempts > 0) return false;
    if ((await this.get(`${NOTIFY_DUE_PREFIX}${key}`)) !== undefined) return false;
    await this.put({ sk: `${NOTIFY_DUE_PREFIX}${key}`, delivery: recorded });
    return true;
  }

  async due(now: number, limit: number): Promise<Delivery[]> {
    const items = await queryAll(this.db, 'pk = :pk AND begins_with(sk, :prefix)', { ':pk': ACCOUNT_PK, ':prefix': NOTIFY_DUE_PREFIX });
    return items
      .map((item) => item.delivery as Delivery)
      .filter((d) => (d.nextAttemptAt ?? 0) <= now)
      .sort((a, b) => a.notification.at - b.notification.at)
      .slice(0, limit);
  }

  async settle(delivery: Delivery): Promise<void> {
    const key = `${delivery.notification.id}#${delivery.channel}`;
    const out = await this.get(`${NOTIFY_OUT_PREFIX}${key}`);
    await this.put({ sk: `${NOTIFY_OUT_PREFIX}${key}`, delivery, ...(out?.[TTL_ATTRIBUTE] !== undefined ? { [TTL_ATTRIBUTE]: out[TTL_ATTRIBUTE] } : {}) });
    if (delivery.status === 'failed') await this.put({ sk: `${NOTIFY_DUE_PREFIX}${key}`, delivery });
    else await this.db.client.send(new DeleteCommand({ TableName: this.db.tableName, Key: { pk: ACCOUNT_PK, sk: `${NOTIFY_DUE_PREFIX}${key}` } }));
  }

  async recordAttempt(delivery: Delivery, now: number): Promise<void> {
    const key = `${delivery.notification.id}#${delivery.channel}`;
    await this.put({ sk: `${NOTIFY_OUT_PREFIX}${key}`, delivery, [TTL_ATTRIBUTE]: Math.floor(now / 1000) + KEEP_DAYS * 86_400 });
  }

  async recent(limit: number): Promise<Delivery[]> {
    const items = await queryAll(this.db, 'pk = :pk AND begins_with(sk, :prefix)', { ':pk': ACCOUNT_PK, ':prefix': NOTIFY_OUT_PREFIX });
    return items
      .map((item) => item.delivery as Delivery)
      .sort((a, b) => b.notification.at - a.notification.at)
      .slice(0, limit);
  }

  async getWatch(key: string): Promise<Record<string, unknown> | null> {
    return ((await this.get(notifyWatchSk(key)))?.watch as Record<string, unknown> | undefined) ?? null;
  }

  async putWatch(key: string, value: Record<string, unknown>): Promise<void> {
    await this.put({ sk: notifyWatchSk(key), watch: value });
  }

  private async get(sk: string): Promise<Record<string, unknown> | undefined> {
    return (await this.db.client.send(new GetCommand({ TableName: this.db.tableName, Key: { pk: ACCOUNT_PK, sk }, ConsistentRead: true }))).Item;
  }

  private async put(item: Record<string, unknown> & { sk: string }): Promise<void> {
    await this.db.client.send(new PutCommand({ TableName: this.db.tableName, Item: { pk: ACCOUNT_PK, ...item } }));
  }
}
