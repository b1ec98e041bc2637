import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { snapshotFromVehicleData } from '../../shared/domain/snapshot';
import { rederiveHistory } from '../../shared/domain/history/rederive';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { startLocalDynamo, type LocalDynamo } from '../../infra/local/dynalite-server';

/**
 * `npm run import -- … --stack NAME` as an owner runs it against a deployed stack: the real CLI process, the AWS SDK's
 * own clients, pointed (by the SDK's AWS_ENDPOINT_URL_<SERVICE> variables) at dynalite as the stack's table and at a
 * stand-in for CloudFormation that answers DescribeStacks with the TableName output the stack declares.
 */
const ROOT = process.cwd();
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const VIN = '5YJ3E7EB0SF000001';
const TABLE = 'deployed-table';
const FIXTURES = join('test', 'fixtures', 'teslamate');
const TESLAMATE = ['cars', 'drives', 'charging_processes', 'addresses', 'geofences'].map((t) => join(FIXTURES, `${t}.csv`));

let dynamo: LocalDynamo;
let cloudFormation: Server;
let env: Record<string, string>;
let stores: DynamoDbStores;
let history: DynamoDbHistoryStore;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: TABLE });
  const client = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
  stores = new DynamoDbStores({ client, tableName: TABLE, snapshotRetentionDays: 400 });
  history = new DynamoDbHistoryStore({ client, tableName: TABLE });
  cloudFormation = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const known = body.includes('Action=DescribeStacks') && body.includes('StackName=TeslaFleetLogger');
      res.writeHead(known ? 200 : 400, { 'content-type': 'text/xml' });
      res.end(
        known ? describeStacks(TABLE) : '<ErrorResponse><Error><Code>ValidationError</Code><Message>Stack does not exist</Message></Error></ErrorResponse>',
      );
    });
  });
  await new Promise<void>((resolve) => cloudFormation.listen(0, '127.0.0.1', resolve));
  env = {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${(cloudFormation.address() as AddressInfo).port}`,
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_PROFILE: '',
  };
});
afterAll(async () => {
  await new Promise((resolve) => cloudFormation.close(resolve));
  await dynamo.stop();
});

async function importCli(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [join('infra', 'local', 'import.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('importing into the deployed table (--stack)', () => {
  it('keeps TeslaMate’s drives and sessions there, once, and re-deriving the period leaves them', async () => {
    const once = await importCli(['teslamate', '--vin', VIN, '--currency', 'EUR', '--stack', 'TeslaFleetLogger', ...TESLAMATE]);
    expect(once).toMatchObject({ code: 0 });
    expect(once.out).toContain(`into TeslaFleetLogger's table ${TABLE}: 2 drives and 2 charging sessions kept, 2 drives logged`);
    const again = await importCli(['teslamate', '--vin', VIN, '--stack', 'TeslaFleetLogger', ...TESLAMATE]);
    expect(again.out).toContain('2 drives and 2 charging sessions kept, 0 drives logged');
    const all = { fromMs: 0, toMs: Date.parse('2025-01-01T00:00:00Z'), limit: 100 };
    expect((await history.listDrives(VIN, all)).items.map((d) => d.imported)).toEqual([
      expect.objectContaining({ source: 'teslamate', recordId: '101', fromName: 'Home' }),
      expect.objectContaining({ source: 'teslamate', recordId: '102', toName: 'Home' }),
    ]);
    await rederiveHistory({ snapshots: stores, history }, VIN, { fromMs: 0, toMs: all.toMs });
    expect((await history.listDrives(VIN, all)).items).toHaveLength(2);
    expect((await history.listCharges(VIN, all)).items).toHaveLength(2);
  });

  it('refuses a TeslaFi file that reaches the collector’s readings, storing nothing; an older one goes in beside them', async () => {
    // The collector has been reading the car since 1 June 2026.
    await stores.putSnapshot(
      snapshotFromVehicleData(VIN, { vehicle_state: { odometer: 30000 }, drive_state: { shift_state: 'P' } }, Date.parse('2026-06-01T08:00:00Z')),
    );
    const header = 'Date,vin,state,odometer,shift_state,speed,battery_level';
    const file = (day: string) =>
      [
        header,
        `${day} 07:00:00,${VIN},online,29000.0,P,0,80`,
        `${day} 07:30:00,${VIN},online,29010.0,D,40,79`,
        `${day} 08:00:00,${VIN},online,29020.0,P,0,78`,
      ].join('\n');
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const dir = await mkdtemp(join((await import('node:os')).tmpdir(), 'teslafi-'));
    await writeFile(join(dir, 'late.csv'), file('2026-06-02'));
    await writeFile(join(dir, 'early.csv'), file('2026-05-02'));
    const late = await importCli(['teslafi', '--vin', VIN, '--tz', 'UTC', '--stack', 'TeslaFleetLogger', join(dir, 'late.csv')]);
    expect(late.code).toBe(1);
    expect(late.out).toContain('the table already holds readings the collector took of 5YJ3E7EB0SF000001 from 2026-06-01T08:00:00.000Z on');
    const june = await stores.snapshotsBetween(VIN, { fromMs: Date.parse('2026-06-02T00:00:00Z'), toMs: Date.parse('2026-06-03T00:00:00Z'), limit: 10 });
    expect(june.items).toHaveLength(0);

    const early = await importCli(['teslafi', '--vin', VIN, '--tz', 'UTC', '--stack', 'TeslaFleetLogger', join(dir, 'early.csv')]);
    expect(early).toMatchObject({ code: 0 });
    expect(early.out).toContain('3 readings and 1 state changes stored; 1 drives and 0 charging sessions derived');
    const may = await history.listDrives(VIN, { fromMs: Date.parse('2026-05-01T00:00:00Z'), toMs: Date.parse('2026-05-31T00:00:00Z'), limit: 10 });
    expect(may.items.map((d) => [d.distanceMi, d.imported?.source])).toEqual([[20, 'teslafi']]);
    expect(await history.importedRanges(VIN)).toEqual([
      { vin: VIN, source: 'teslafi', fromMs: Date.parse('2026-05-02T07:00:00Z'), toMs: Date.parse('2026-05-02T08:00:00Z') },
    ]);
  });

  it('names a stack that does not exist, and stores nothing', async () => {
    const missing = await importCli(['teslamate', '--vin', VIN, '--stack', 'NoSuchStack', ...TESLAMATE]);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/import failed: .*Stack does not exist/);
  });
});

function describeStacks(tableName: string): string {
  return `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>
<StackName>TeslaFleetLogger</StackName><StackId>arn:aws:cloudformation:eu-central-1:123456789012:stack/TeslaFleetLogger/1</StackId>
<StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-11-01T00:00:00Z</CreationTime>
<Outputs><member><OutputKey>TableName</OutputKey><OutputValue>${tableName}</OutputValue></member></Outputs>
</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`;
}
