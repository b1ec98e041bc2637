import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DAY_MS } from '../domain/clock';
import type { CommandAuditEntry, CommandAuditLog, IdempotencyClaim, IdempotencyStore } from '../domain/commands/command-ports';
import type { RateLimitKind, RateLimitMemory } from '../domain/rate-limit-memory';
import type { SigningStatus, SigningStatusStore } from '../domain/signing-status';
import { InvalidCursorError } from '../domain/invalid-cursor-error';
import { COMMAND_SK_PREFIX, commandSk, idempotencySk, rateLimitSk, SIGNING_STATUS_SK, TTL_ATTRIBUTE, vehiclePk } from './table-schema';

export interface CommandStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  auditRetentionDays: number;
}

/** The command audit log, idempotency keys, each car's signing status and rate limits in the single table (see table-schema). */
export class DynamoDbCommandStores implements CommandAuditLog, IdempotencyStore, SigningStatusStore, RateLimitMemory {
  constructor(private readonly options: CommandStoreOptions) {}

  async record(entry: CommandAuditEntry): Promise<void> {
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: {
          pk: vehiclePk(entry.vin),
          sk: commandSk(entry.at, entry.id),
          entry,
          [TTL_ATTRIBUTE]: Math.floor(entry.at / 1000) + this.options.auditRetentionDays * 86_400,
        },
      }),
    );
  }

  async list(vin: string, page: { limit: number; cursor?: string | null }): Promise<{ items: CommandAuditEntry[]; cursor: string | null }> {
    const out = await this.options.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': vehiclePk(vin), ':prefix': COMMAND_SK_PREFIX },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: page.cursor ? { pk: vehiclePk(vin), sk: decodeSk(page.cursor) } : undefined,
      }),
    );
    return {
      items: (out.Items ?? []).map((item) => item.entry as CommandAuditEntry),
      cursor: out.LastEvaluatedKey ? Buffer.from(String(out.LastEvaluatedKey.sk)).toString('base64url') : null,
    };
  }

  async claim(vin: string, key: string, fingerprint: string, now: number, abandonAfterMs: number): Promise<IdempotencyClaim> {
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            pk: vehiclePk(vin),
            sk: idempotencySk(key),
            fingerprint,
            state: 'in_progress',
            claimedAt: now,
            [TTL_ATTRIBUTE]: Math.floor((now + DAY_MS) / 1000),
          },
          // Free, or expired (TTL deletion can lag). A claim left in progress by a request that died is never taken
          // over: that request may have sent the command.
          ConditionExpression: 'attribute_not_exists(sk) OR #ttl < :nowSeconds',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':nowSeconds': Math.floor(now / 1000) },
        }),
      );
      return { kind: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: { pk: vehiclePk(vin), sk: idempotencySk(key) }, ConsistentRead: true }),
    );
    if (!Item) return this.claim(vin, key, fingerprint, now, abandonAfterMs); // released meanwhile
    if (Item.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (Item.state === 'done') return { kind: 'replay', value: Item.response as unknown };
    return Number(Item.claimedAt) < now - abandonAfterMs ? { kind: 'abandoned' } : { kind: 'in_progress' };
  }

  async complete(vin: string, key: string, response: unknown): Promise<void> {
    await this.options.client.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: { pk: vehiclePk(vin), sk: idempotencySk(key) },
        UpdateExpression: 'SET #state = :done, #response = :response',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        ExpressionAttributeValues: { ':done': 'done', ':response': response },
      }),
    );
  }

  async release(vin: string, key: string): Promise<void> {
    await this.options.client.send(new DeleteCommand({ TableName: this.options.tableName, Key: { pk: vehiclePk(vin), sk: idempotencySk(key) } }));
  }

  async rateLimitedUntil(vin: string, kind: RateLimitKind): Promise<number | null> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { pk: vehiclePk(vin), sk: rateLimitSk(kind) } }));
    return typeof Item?.until === 'number' ? Item.until : null;
  }

  async rememberRateLimit(vin: string, kind: RateLimitKind, until: number): Promise<void> {
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: { pk: vehiclePk(vin), sk: rateLimitSk(kind), until, [TTL_ATTRIBUTE]: Math.ceil(until / 1000) + 3600 },
      }),
    );
  }

  async getSigningStatus(vin: string): Promise<SigningStatus | null> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { pk: vehiclePk(vin), sk: SIGNING_STATUS_SK } }));
    return Item ? (Item.status as SigningStatus) : null;
  }

  async putSigningStatus(vin: string, status: SigningStatus): Promise<void> {
    await this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: { pk: vehiclePk(vin), sk: SIGNING_STATUS_SK, status } }));
  }
}

function decodeSk(cursor: string): string {
  const sk = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!sk.startsWith(COMMAND_SK_PREFIX)) throw new InvalidCursorError();
  return sk;
}
