import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HistoryPage, HistoryQuery } from '../domain/history/history-page';
import type { LogEntry } from '../domain/history/logbook';
import type { LogIndexItem, LogIndexUpdate } from '../domain/history/logbook-index';
import type { LogbookStore } from '../domain/history/logbook-store';
import { queryRangePage } from './range-cursor';
import { LOG_INDEX_SK, LOG_SK_PREFIX, logDriveSk, logSk, vehiclePk } from './table-schema';

const isConditionFailure = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';
/** BatchGetItem takes at most 100 keys. */
const BATCH = 100;
/** Index updates sent at once. */
const PARALLEL = 16;

/** The logbook's chain (LOG#<seq>) and its index (LOGDRIVE#<start>, LOGINDEX) in the single table. */
export class DynamoDbLogbookStore implements LogbookStore {
  constructor(protected readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async lastLogEntries(vin: string, count: number): Promise<LogEntry[]> {
    const out = await this.options.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': vehiclePk(vin), ':prefix': LOG_SK_PREFIX },
        ScanIndexForward: false,
        Limit: count,
      }),
    );
    return (out.Items ?? []).map((item) => item.entry as LogEntry);
  }

  async appendLogEntry(entry: LogEntry): Promise<boolean> {
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: { pk: vehiclePk(entry.vin), sk: logSk(entry.seq), entry },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async logEntriesAfter(vin: string, afterSeq: number, limit: number): Promise<LogEntry[]> {
    const out = await this.options.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': vehiclePk(vin), ':from': logSk(afterSeq + 1), ':to': `${LOG_SK_PREFIX}~` },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => item.entry as LogEntry);
  }

  async logEntriesAt(vin: string, seqs: readonly number[]): Promise<LogEntry[]> {
    const found: LogEntry[] = [];
    const unique = [...new Set(seqs)];
    for (let i = 0; i < unique.length; i += BATCH) {
      let keys: Array<Record<string, unknown>> = unique.slice(i, i + BATCH).map((seq) => ({ pk: vehiclePk(vin), sk: logSk(seq) }));
      // DynamoDB may answer part of a batch and return the rest as unprocessed: ask again for those.
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt === 8) throw new Error('DynamoDB left logbook reads unprocessed after 8 attempts');
        const out = await this.options.client.send(new BatchGetCommand({ RequestItems: { [this.options.tableName]: { Keys: keys } } }));
        found.push(...(out.Responses?.[this.options.tableName] ?? []).map((item) => item.entry as LogEntry));
        keys = out.UnprocessedKeys?.[this.options.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  async logIndexedThrough(vin: string): Promise<number> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { pk: vehiclePk(vin), sk: LOG_INDEX_SK } }));
    return Number(Item?.through ?? 0);
  }

  async applyToLogIndex(vin: string, updates: readonly LogIndexUpdate[], through: number): Promise<void> {
    for (let i = 0; i < updates.length; i += PARALLEL) await Promise.all(updates.slice(i, i + PARALLEL).map((u) => this.applyOne(vin, u)));
    await this.update(vin, LOG_INDEX_SK, 'SET through = :t', { ':t': through }, 'attribute_not_exists(through) OR through < :t');
  }

  logIndexPage(vin: string, query: HistoryQuery): Promise<HistoryPage<LogIndexItem>> {
    const range = { fromMs: query.fromMs, toMs: query.toMs, fromSk: logDriveSk(query.fromMs), toSk: logDriveSk(query.toMs) };
    return queryRangePage(this.options, vehiclePk(vin), range, query, indexItem);
  }

  async logIndexItem(vin: string, driveId: string): Promise<LogIndexItem | null> {
    if (!/^\d{1,15}$/.test(driveId)) return null;
    const { Item } = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: { pk: vehiclePk(vin), sk: logDriveSk(Number(driveId)) } }),
    );
    return Item ? indexItem(Item) : null;
  }

  /** Each pointer only moves forward; annotation numbers are a set: applying twice, or out of order, is harmless. */
  private async applyOne(vin: string, u: LogIndexUpdate): Promise<void> {
    const sk = logDriveSk(Number(u.driveId));
    if (u.driveSeq !== null) {
      await this.update(vin, sk, 'SET driveId = :d, driveSeq = :s', { ':d': u.driveId, ':s': u.driveSeq }, 'attribute_not_exists(driveSeq) OR driveSeq < :s');
    }
    if (u.noteSeqs.length > 0) {
      const newest = Math.max(...u.noteSeqs);
      const values = { ':d': u.driveId, ':n': newest, ':all': new Set(u.noteSeqs) };
      const moved = await this.update(vin, sk, 'SET driveId = :d, noteSeq = :n ADD noteSeqs :all', values, 'attribute_not_exists(noteSeq) OR noteSeq < :n');
      if (!moved) await this.update(vin, sk, 'SET driveId = :d ADD noteSeqs :all', { ':d': u.driveId, ':all': values[':all'] });
    }
  }

  /** An update; false when its condition did not hold. */
  private async update(vin: string, sk: string, expression: string, values: Record<string, unknown>, condition?: string): Promise<boolean> {
    try {
      await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { pk: vehiclePk(vin), sk },
          UpdateExpression: expression,
          ExpressionAttributeValues: values,
          ...(condition ? { ConditionExpression: condition } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function indexItem(item: Record<string, unknown>): LogIndexItem {
  const notes = item.noteSeqs instanceof Set ? item.noteSeqs.size : 0;
  return {
    driveId: String(item.driveId),
    driveSeq: typeof item.driveSeq === 'number' ? item.driveSeq : null,
    noteSeq: typeof item.noteSeq === 'number' ? item.noteSeq : null,
    notes,
  };
}
