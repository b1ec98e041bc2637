import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '../domain/invalid-cursor-error';

/** The query a page belongs to: its time range, and the sort keys that bound it. */
export interface CursorRange {
  fromMs: number;
  toMs: number;
  fromSk: string;
  toSk: string;
}

/** A cursor names the query it continues (its time range and order), so it cannot be replayed against another. */
export function encodeRangeCursor(lastSk: unknown, range: CursorRange, newestFirst = false): string {
  return Buffer.from(JSON.stringify({ sk: lastSk, range: [range.fromMs, range.toMs], ...(newestFirst ? { newest: true } : {}) })).toString('base64url');
}

/** The DynamoDB start key for a cursor, or InvalidCursorError when it is forged, garbled or from another query. */
export function decodeRangeCursor(cursor: string, pk: string, range: CursorRange, newestFirst = false): Record<string, unknown> {
  try {
    const { sk, range: named, newest } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { sk?: unknown; range?: unknown; newest?: unknown };
    if (typeof sk !== 'string' || sk < range.fromSk || sk > range.toSk) throw new InvalidCursorError();
    if (!Array.isArray(named) || named[0] !== range.fromMs || named[1] !== range.toMs) throw new InvalidCursorError();
    if ((newest === true) !== newestFirst) throw new InvalidCursorError();
    return { pk, sk };
  } catch {
    throw new InvalidCursorError();
  }
}

/**
 * One page of items under `pk` whose sort keys lie in the range, oldest first (or newest first), with a cursor bound
 * to the range and the order.
 * `record` names the item attribute that holds the record, or reads the record from the item.
 */
export async function queryRangePage<T>(
  db: { client: DynamoDBDocumentClient; tableName: string },
  pk: string,
  range: CursorRange,
  page: { limit: number; cursor?: string | null | undefined; newestFirst?: boolean | undefined },
  record: string | ((item: Record<string, unknown>) => T),
): Promise<{ items: T[]; cursor: string | null }> {
  const out = await db.client.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': range.fromSk, ':to': range.toSk },
      Limit: page.limit,
      ScanIndexForward: page.newestFirst !== true,
      ExclusiveStartKey: page.cursor ? decodeRangeCursor(page.cursor, pk, range, page.newestFirst === true) : undefined,
    }),
  );
  return {
    items: (out.Items ?? []).map((item) => (typeof record === 'string' ? (item[record] as T) : record(item))),
    cursor: out.LastEvaluatedKey ? encodeRangeCursor(out.LastEvaluatedKey.sk, range, page.newestFirst === true) : null,
  };
}
