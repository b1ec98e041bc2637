import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { ClassicLevel } from 'classic-level';
import dynalite from 'dynalite';
import { TABLE_KEYS } from '../../shared/store/table-schema';

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/** The DynamoDB data folder cannot be used: another host holds it, or it is damaged. The message says what to do. */
export class DataFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataFolderError';
  }
}

/**
 * Opens the folder's LevelDB once before dynalite does: dynalite would otherwise throw from a callback (an uncaught
 * "Database is closed") when the folder is locked by another process or damaged, or silently start empty.
 */
async function checkDataFolder(path: string): Promise<void> {
  const db = new ClassicLevel(path);
  try {
    await db.open();
  } catch (error) {
    const detail = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    if (/lock/i.test(detail))
      throw new DataFolderError(
        `the data folder ${path} is in use by another process: is another \`npm start\` running with this DATA_DIR? Stop it, or set DATA_DIR to another folder`,
      );
    throw new DataFolderError(
      `the data folder ${path} is damaged and cannot be opened (${detail.slice(0, 200)}): move it away to start with an empty history, or restore it from a backup`,
    );
  }
  await db.close();
}

/** Fixed, fake credentials: dynalite checks that some are sent, never what they are. */
export const LOCAL_AWS = { region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/**
 * dynalite in this process, persisted under `path` (in memory when omitted), with the table created if missing.
 * TTL is not enforced locally (dynalite lacks it); in AWS it is set by CDK.
 */
export async function startLocalDynamo(options: { path?: string; tableName: string }): Promise<LocalDynamo> {
  if (options.path) {
    await mkdir(options.path, { recursive: true, mode: 0o700 });
    await checkDataFolder(options.path);
  }
  const server = dynalite({ ...(options.path ? { path: options.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS });
  await ensureTable(client, options.tableName);
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  }
  await waitUntilActive(client, tableName);
}

/** A table is usable only once ACTIVE: until then dynalite (like DynamoDB) answers ResourceNotFoundException. */
async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`table ${tableName} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
