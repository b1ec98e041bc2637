import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from './invalid-cursor-error';

/** The query a page belongs to: its time range, and the sort keys that bound it. */
export interface CursorRange {
  fromMs: number;
  toMs: number;
  fromSk: string;
  toSk: string;
}

/** A cursor names the query it continues (its time range), so it cannot be replayed against another. */
export function encodeRangeCursor(lastSk: unknown, range: CursorRange): string {
  return Buffer.from(JSON.stringify({ sk: lastSk, range: [range.fromMs, range.toMs] })).toString('base64url');
}

/** The DynamoDB start key for a cursor, or InvalidCursorError when it is forged, garbled or from another query. */
export function decodeRangeCursor(cursor: string, pk: string, range: CursorRange): Record<string, unknown> {
  try {
    const { sk, range: named } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { sk?: unknown; range?: unknown };
    if (typeof sk !== 'string' || sk < range.fromSk || sk > range.toSk) throw new InvalidCursorError();
    if (!Array.isArray(named) || named[0] !== range.fromMs || named[1] !== range.toMs) throw new InvalidCursorError();
    return { pk, sk };
  } catch {
    throw new InvalidCursorError();
  }
}

/**
 * One page of items under `pk` whose sort keys lie in the range, oldest first, with a cursor bound to the range.
 * `attribute` names the item attribute that holds the record.
 */
export async function queryRangePage<T>(
  db: { client: DynamoDBDocumentClient; tableName: string },
  pk: string,
  range: CursorRange,
  page: { limit: number; cursor?: string | null | undefined },
  attribute: string,
): Promise<{ items: T[]; cursor: string | null }> {
  const out = await db.client.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': range.fromSk, ':to': range.toSk },
      Limit: page.limit,
      ExclusiveStartKey: page.cursor ? decodeRangeCursor(page.cursor, pk, range) : undefined,
    }),
  );
  return { items: (out.Items ?? []).map((item) => item[attribute] as T), cursor: out.LastEvaluatedKey ? encodeRangeCursor(out.LastEvaluatedKey.sk, range) : null };
}
