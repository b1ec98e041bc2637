import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Automation, AutomationRun, AutomationStore } from '../domain/automations/automation';
import { queryAll } from './query-all';
import { ACCOUNT_PK, AUTOMATION_INDEX_SK, AUTOMATION_SK_PREFIX, automationSk } from './table-schema';

/** An id in the index whose automation was never stored (its writer died) is freed after this. */
const ABANDONED_ADD_MS = 60_000;

/** Automations in the single table, one item each under the account (see table-schema). */
export class DynamoDbAutomationStore implements AutomationStore {
  constructor(private readonly db: { client: DynamoDBDocumentClient; tableName: string }) {}

  /**
   * The limit is checked on one item, the index of ids, in the same conditional write that adds the id: DynamoDB
   * applies conditional writes to one item one at a time, so parallel creates cannot all see room. (dynalite has no
   * transactions, and none is needed.) An id whose automation never got stored is freed when the index is full.
   */
  async addAutomation(automation: Automation, max: number): Promise<boolean> {
    await this.ensureIndex();
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.db.client.send(
          new UpdateCommand({
            TableName: this.db.tableName,
            Key: this.indexKey,
            UpdateExpression: 'SET #ids.#id = :at',
            ConditionExpression: 'size(#ids) < :max',
            ExpressionAttributeNames: { '#ids': 'ids', '#id': automation.id },
            ExpressionAttributeValues: { ':at': automation.createdAt, ':max': max },
          }),
        );
        await this.db.client.send(new PutCommand({ TableName: this.db.tableName, Item: { pk: ACCOUNT_PK, sk: automationSk(automation.id), automation } }));
        return true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        if (!(await this.freeAbandoned(automation.createdAt))) return false;
      }
    }
    return false;
  }

  private readonly indexKey = { pk: ACCOUNT_PK, sk: AUTOMATION_INDEX_SK };

  /** Creates the index from the automations stored before it existed, once. */
  private async ensureIndex(): Promise<void> {
    const out = await this.db.client.send(new GetCommand({ TableName: this.db.tableName, Key: this.indexKey, ConsistentRead: true }));
    if (out.Item) return;
    const ids = Object.fromEntries((await this.listAutomations()).map((a) => [a.id, a.createdAt]));
    try {
      await this.db.client.send(
        new PutCommand({ TableName: this.db.tableName, Item: { ...this.indexKey, ids }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Removes ids whose automation was never stored; true if any was. */
  private async freeAbandoned(now: number): Promise<boolean> {
    const out = await this.db.client.send(new GetCommand({ TableName: this.db.tableName, Key: this.indexKey, ConsistentRead: true }));
    const ids = (out.Item?.ids ?? {}) as Record<string, number>;
    const stored = new Set((await this.listAutomations()).map((a) => a.id));
    const abandoned = Object.entries(ids)
      .filter(([id, at]) => !stored.has(id) && now - at > ABANDONED_ADD_MS)
      .map(([id]) => id);
    for (const id of abandoned) await this.removeFromIndex(id);
    return abandoned.length > 0;
  }

  private async removeFromIndex(id: string): Promise<void> {
    await this.db.client
      .send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: this.indexKey,
          UpdateExpression: 'REMOVE #ids.#id',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#ids': 'ids', '#id': id },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  async putAutomation(automation: Automation): Promise<void> {
    await this.db.client.send(new PutCommand({ TableName: this.db.tableName, Item: { pk: ACCOUNT_PK, sk: automationSk(automation.id), automation } }));
  }

  async getAutomation(id: string): Promise<Automation | null> {
    const out = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: { pk: ACCOUNT_PK, sk: automationSk(id) }, ConsistentRead: true }),
    );
    return (out.Item?.automation as Automation | undefined) ?? null;
  }

  async listAutomations(): Promise<Automation[]> {
    const items = await queryAll(this.db, 'pk = :pk AND begins_with(sk, :prefix)', { ':pk': ACCOUNT_PK, ':prefix': AUTOMATION_SK_PREFIX });
    return items.map((item) => item.automation as Automation).sort((a, b) => a.createdAt - b.createdAt);
  }

  async deleteAutomation(id: string): Promise<void> {
    await this.db.client.send(new DeleteCommand({ TableName: this.db.tableName, Key: { pk: ACCOUNT_PK, sk: automationSk(id) } }));
    await this.removeFromIndex(id);
  }

  /** Only onto an automation that still exists (a run racing a delete must not bring it back). */
  async recordAutomationRun(id: string, run: AutomationRun): Promise<void> {
    try {
      await this.db.client.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: { pk: ACCOUNT_PK, sk: automationSk(id) },
          UpdateExpression: 'SET automation.lastRun = :run',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':run': run },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
