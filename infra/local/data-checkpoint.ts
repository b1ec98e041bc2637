import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readIfExists, writeOwnerOnly } from '../../shared/secrets/owner-only-file';
import { ACCOUNT_PK } from '../../shared/store/table-schema';
import { DataFolderError } from './dynalite-server';

const KEY = { pk: ACCOUNT_PK, sk: 'HOST_CHECKPOINT' };

/**
 * Whether the local database still holds what it held. A damaged LevelDB log (a few wrong bytes, or a truncated
 * file) makes dynalite start with what it could read, and that may be nothing: an empty history with no word said.
 * So the host keeps a counter both in the table and in a file beside it: each collector pass moves both on, and at
 * start the table must hold at least what the file says. The file is outside the database folder, so moving that
 * folder away on purpose (to start afresh) is seen as such: a new folder starts a new count.
 */
export class DataCheckpoint {
  private seq = 0;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly file: string,
  ) {}

  /** Whether `dbPath` holds a LevelDB already (checked before dynalite opens, and so creates, it). */
  static existingDatabase(dbPath: string): boolean {
    return existsSync(join(dbPath, 'CURRENT'));
  }

  /** Stops with what to do when the table holds less than the file says; `existed`: the database was there before. */
  async verify(existed: boolean, dbPath: string): Promise<void> {
    const recorded = existed ? parseSeq(await readIfExists(this.file)) : null;
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: KEY, ConsistentRead: true }));
    const held = typeof Item?.seq === 'number' ? Item.seq : 0;
    if (recorded !== null && held < recorded) {
      throw new DataFolderError(
        `the local database in ${dbPath} has lost data: it holds checkpoint ${held}, and the last run recorded ${recorded} (a damaged or truncated file in it). ` +
          'Stop here so no history is served as if it were complete: restore that folder from a backup, or move it away to start with an empty history (settings, tokens and keys are kept).',
      );
    }
    this.seq = Math.max(held, recorded ?? 0);
  }

  /** Moves the count on: the table first, then the file (a crash between leaves the file behind, never ahead). */
  async advance(): Promise<void> {
    const next = this.seq + 1;
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...KEY, seq: next } }));
    await writeOwnerOnly(this.file, `${JSON.stringify({ seq: next })}\n`);
    this.seq = next;
  }
}

function parseSeq(text: string | null): number | null {
  if (text === null) return null;
  try {
    const seq = (JSON.parse(text) as { seq?: unknown }).seq;
    return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null;
  } catch {
    return null;
  }
}
