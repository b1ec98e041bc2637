import { DynamoDbBillingStore } from '../../shared/store/dynamodb-billing-store';
import { DynamoDbPlaceStore } from '../../shared/store/dynamodb-place-store';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalSettings } from '../../shared/config/local-settings';
import type { Log } from '../../shared/domain/stores';
import { FileTokenStore } from '../../shared/secrets/file-token-store';
import { tightenOwnerOnly } from '../../shared/secrets/owner-only-file';
import { DynamoDbCommandStores } from '../../shared/store/dynamodb-command-stores';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { DynamoDbStreamStates } from '../../shared/store/dynamodb-stream-states';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { DataCheckpoint } from './data-checkpoint';
import { dataFile } from './data-files';
import { startLocalDynamo } from './dynalite-server';

export const LOCAL_TABLE_NAME = 'tesla-fleet-logger';

/** The data folder, opened: tokens recovered, dynalite on it and checked against its checkpoint, the stores. */
export interface LocalData {
  doc: DynamoDBDocumentClient;
  checkpoint: DataCheckpoint;
  stores: DynamoDbStores;
  history: DynamoDbHistoryStore;
  billing: DynamoDbBillingStore;
  places: DynamoDbPlaceStore;
  commands: DynamoDbCommandStores;
  /** Each car's streamed state (with `--stream`). */
  streamStates: DynamoDbStreamStates;
  /** What stops it; the host adds its own steps to it. */
  stopping: Array<() => Promise<void>>;
}

export async function openLocalData(settings: LocalSettings, log: Log): Promise<LocalData> {
  // A refresh that was written but not yet renamed into place when the process died holds the only refresh token
  // Tesla still honours: recovered before the clean-up below removes leftover temporary files.
  for (const name of ['teslaTokens', 'simTeslaTokens'] as const) {
    if (await new FileTokenStore(dataFile(settings.dataDir, name)).recoverInterruptedWrite())
      log.warn(`recovered the newest Tesla tokens from an interrupted write (${dataFile(settings.dataDir, name)})`);
  }
  // Owner-only through and through (tokens, keys, history), tightened if the folder already existed.
  await tightenOwnerOnly(settings.dataDir);
  const dbPath = join(settings.dataDir, 'dynamodb');
  const existed = DataCheckpoint.existingDatabase(dbPath);
  const dynamo = await startLocalDynamo({ path: dbPath, tableName: LOCAL_TABLE_NAME });
  const stopping: Array<() => Promise<void>> = [() => dynamo.stop()];
  try {
    const doc = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
    const checkpoint = new DataCheckpoint(doc, LOCAL_TABLE_NAME, dataFile(settings.dataDir, 'dataCheckpoint'));
    await checkpoint.verify(existed, dbPath);
    await checkpoint.advance();
    const retention = settings.snapshotRetentionDays;
    return {
      doc,
      checkpoint,
      stores: new DynamoDbStores({ client: doc, tableName: LOCAL_TABLE_NAME, snapshotRetentionDays: retention }),
      history: new DynamoDbHistoryStore({ client: doc, tableName: LOCAL_TABLE_NAME, stateChangeRetentionDays: retention }),
      billing: new DynamoDbBillingStore({ client: doc, tableName: LOCAL_TABLE_NAME }),
      places: new DynamoDbPlaceStore({ client: doc, tableName: LOCAL_TABLE_NAME }),
      commands: new DynamoDbCommandStores({ client: doc, tableName: LOCAL_TABLE_NAME, auditRetentionDays: retention }),
      streamStates: new DynamoDbStreamStates({ client: doc, tableName: LOCAL_TABLE_NAME }),
      stopping,
    };
  } catch (error) {
    await dynamo.stop().catch(() => undefined);
    throw error;
  }
}
