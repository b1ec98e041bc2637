import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Automation, AutomationRun, AutomationStore } from '../domain/automations/automation';
import { queryAll } from './query-all';
import { ACCOUNT_PK, AUTOMATION_SK_PREFIX, automationSk } from './table-schema';

/** Automations in the single table, one item each under the account (see table-schema). */
export class DynamoDbAutomationStore implements AutomationStore {
  constructor(private readonly db: { client: DynamoDBDocumentClient; tableName: string }) {}

  async putAutomation(automation: Automation): Promise<void> {
    await this.db.client.send(new PutCommand({ TableName: this.db.tableName, Item: { pk: ACCOUNT_PK, sk: automationSk(automation.id), automation } }));
  }

  async getAutomation(id: string): Promise<Automation | null> {
    const out = await this.db.client.send(new GetCommand({ TableName: this.db.tableName, Key: { pk: ACCOUNT_PK, sk: automationSk(id) }, ConsistentRead: true }));
    return (out.Item?.automation as Automation | undefined) ?? null;
  }

  async listAutomations(): Promise<Automation[]> {
    const items = await queryAll(this.db, 'pk = :pk AND begins_with(sk, :prefix)', { ':pk': ACCOUNT_PK, ':prefix': AUTOMATION_SK_PREFIX });
    return items.map((item) => item.automation as Automation).sort((a, b) => a.createdAt - b.createdAt);
  }

  async deleteAutomation(id: string): Promise<void> {
    await this.db.client.send(new DeleteCommand({ TableName: this.db.tableName, Key: { pk: ACCOUNT_PK, sk: automationSk(id) } }));
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
