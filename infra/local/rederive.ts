import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseLocalSettings } from '../../shared/config/local-settings';
import { rederiveHistory } from '../../shared/domain/history/rederive';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { startLocalDynamo } from './dynalite-server';
import { LOCAL_TABLE_NAME } from './local-host';

const USAGE = `npm run rederive -- --vin VIN [--from YYYY-MM-DD]

Derives drives, charging sessions, idle periods and software versions again from the snapshots stored under
DATA_DIR, from --from on (default: all) to the newest reading, and replaces what was derived before. It always runs
to the newest reading, so the car's history state the collector goes on from is the one the derivation ends in.
Stop \`npm start\` first: it holds the data folder.`;

const VIN = /^[A-HJ-NPR-Z0-9]{17}$/;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { vin: { type: 'string' }, from: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) return console.log(USAGE);
  if (!values.vin || !VIN.test(values.vin)) throw new Error('--vin must be a 17-character VIN (see --help)');
  const fromMs = values.from === undefined ? 0 : Date.parse(`${values.from}T00:00:00Z`);
  if (values.from !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(values.from) || Number.isNaN(fromMs))) throw new Error('--from must be a date like 2026-01-31');
  // To the present: a derivation that stopped earlier would leave the collector a state from the past and the
  // records after it cleared (an earlier --to did both).
  const toMs = Date.now() + 86_400_000;
  const settings = parseLocalSettings(process.env, process.cwd());
  const dynamo = await startLocalDynamo({ path: join(settings.dataDir, 'dynamodb'), tableName: LOCAL_TABLE_NAME });
  try {
    const client = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
    const result = await rederiveHistory(
      {
        snapshots: new DynamoDbStores({ client, tableName: LOCAL_TABLE_NAME, snapshotRetentionDays: settings.snapshotRetentionDays }),
        history: new DynamoDbHistoryStore({ client, tableName: LOCAL_TABLE_NAME }),
      },
      values.vin,
      { fromMs, toMs },
    );
    console.log(
      `${values.vin}: ${result.snapshots} snapshots → ${result.drives} drives, ${result.charges} charging sessions, ${result.versions} software versions (${result.deleted} earlier records replaced)`,
    );
  } finally {
    await dynamo.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`rederive failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
