import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalSettings } from '../../shared/config/local-settings';
import type { HistoryStore } from '../../shared/domain/history/history-store';
import type { Log, SnapshotStore, VehicleStore } from '../../shared/domain/stores';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { openLocalData } from './local-data';

/** Where an import writes: the data folder (the host stopped), or a deployed stack's table (the collector running). */
export interface ImportTarget {
  vehicles: VehicleStore;
  snapshots: SnapshotStore;
  history: HistoryStore;
  /** A deployed table the collector is writing to as well: the import keeps to the past (see importHistory). */
  live: boolean;
  where: string;
  close(): Promise<void>;
}

export async function openImportTarget(settings: LocalSettings, stack: { name: string; region?: string } | null, log: Log): Promise<ImportTarget> {
  if (stack === null) {
    const data = await openLocalData(settings, log);
    return {
      vehicles: data.stores,
      snapshots: data.stores,
      history: data.history,
      live: false,
      where: settings.dataDir,
      close: async () => {
        await data.checkpoint.advance();
        for (const stop of data.stopping) await stop();
      },
    };
  }
  // The owner's own credentials (AWS_PROFILE or the default chain), with a deadline on every call and the SDK's retries.
  const config = { ...(stack.region ? { region: stack.region } : {}), maxAttempts: 5, requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } };
  const out = await new CloudFormationClient(config).send(new DescribeStacksCommand({ StackName: stack.name }));
  const tableName = out.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'TableName')?.OutputValue;
  if (!tableName) throw new Error(`the stack ${stack.name} has no TableName output: deploy this version first (npm run deploy)`);
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } });
  const retention = settings.snapshotRetentionDays;
  const stores = new DynamoDbStores({ client, tableName, snapshotRetentionDays: retention });
  return {
    vehicles: stores,
    snapshots: stores,
    history: new DynamoDbHistoryStore({ client, tableName, stateChangeRetentionDays: retention }),
    live: true,
    where: `${stack.name}'s table ${tableName}`,
    close: () => Promise.resolve(),
  };
}
