import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TABLE_ACTIONS } from '../../infra/cdk/table-grants';
import { LOCAL_AWS, startLocalDynamo, type LocalDynamo } from '../../infra/local/dynalite-server';
import { recordHistory } from '../../shared/domain/history/history-recorder';
import { latestAnnotation, loggedDrivesOfYear } from '../../shared/domain/history/logbook-reads';
import { appendToLogbook } from '../../shared/domain/history/logbook-append';
import { verifyLogbook } from '../../shared/domain/history/logbook-verify';
import { snapshotFromVehicleData } from '../../shared/domain/snapshot';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';

/**
 * IAM as AWS applies it to each function's role: a table action the role was not granted is AccessDeniedException.
 * dynalite checks no permission, so this middleware does what the role would, with the grants the stack gives
 * (infra/cdk/table-grants.ts). https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
 */
function asRole(endpoint: string, granted: readonly string[]): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const action = (context.commandName ?? '').replace(/Command$/, '');
      if (!granted.includes(action)) {
        throw Object.assign(new Error(`not authorized to perform: dynamodb:${action}`), { name: 'AccessDeniedException' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'fakeIam' },
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

const VIN = '5YJ3E7EB0SF000011';
let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'grants' });
});
afterAll(async () => {
  await dynamo.stop();
});

describe('each function’s table code needs only the actions its role is granted', () => {
  it('the collector records readings, drives and logbook entries; the API reads a year, a note and verifies', async () => {
    const collector = asRole(dynamo.endpoint, TABLE_ACTIONS.collector);
    const collectorStores = new DynamoDbStores({ client: collector, tableName: 'grants', snapshotRetentionDays: 30 });
    const collectorHistory = new DynamoDbHistoryStore({ client: collector, tableName: 'grants' });
    let odometer = 100;
    for (let minute = 0; minute < 40; minute += 5) {
      const driving = minute >= 10 && minute < 25;
      if (driving) odometer += 2;
      const at = Date.parse('2026-06-10T08:00:00Z') + minute * 60_000;
      const snapshot = snapshotFromVehicleData(
        VIN,
        { vehicle_state: { odometer, timestamp: at }, drive_state: { shift_state: driving ? 'D' : 'P', speed: driving ? 30 : 0 } },
        at,
      );
      await collectorStores.putSnapshot(snapshot);
      await recordHistory(collectorHistory, snapshot);
    }

    const api = asRole(dynamo.endpoint, TABLE_ACTIONS.api);
    const apiHistory = new DynamoDbHistoryStore({ client: api, tableName: 'grants' });
    const [logged] = await loggedDrivesOfYear(apiHistory, VIN, 2026, () => false);
    expect(logged).toBeDefined();
    await appendToLogbook(apiHistory, VIN, { kind: 'annotation', driveId: logged!.drive.driveId, purpose: 'business', note: 'site visit', at: Date.now() });
    expect((await latestAnnotation(apiHistory, VIN, logged!.drive.driveId, () => false))?.note).toBe('site visit');
    expect(await verifyLogbook(apiHistory, VIN, null)).toMatchObject({ intact: true, complete: true });
  });

  it('a role without BatchGetItem could not read the year (what the grant is for)', async () => {
    const narrow = asRole(
      dynamo.endpoint,
      TABLE_ACTIONS.api.filter((a) => a !== 'BatchGetItem'),
    );
    const history = new DynamoDbHistoryStore({ client: narrow, tableName: 'grants' });
    await expect(loggedDrivesOfYear(history, VIN, 2026, () => false)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
