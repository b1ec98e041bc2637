import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { getGlobalDispatcher, MockAgent, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CollectorSummary } from '../../../shared/domain/collector';
import type { CollectorHalt } from '../../../shared/domain/collector-run';
import { captureStdoutJson } from '../../support/emf-capture';
import { teslaFixture } from '../../support/fixtures';

const NA = 'https://fleet-api.prd.na.vn.cloud.tesla.com';
const ONLINE = '5YJSA7E21JF230000'; // the fixture list: this Model S online, a Model 3 asleep
const TESLA_SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:TeslaTokens-abc';
const sm = mockClient(SecretsManagerClient);
const ddb = mockClient(DynamoDBDocumentClient);
const agent = new MockAgent();
const saved = { env: { ...process.env }, dispatcher: null as Dispatcher | null };
const seenTokens: string[] = [];
let handler: (event: unknown, context: Context) => Promise<CollectorSummary | CollectorHalt>;

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    TABLE_NAME: 'table',
    TESLA_SECRET_ID: TESLA_SECRET,
    API_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:ApiSecret-abc',
    TESLA_FLEET_API_URL: NA,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  sm.on(GetSecretValueCommand, { SecretId: TESLA_SECRET }).resolves({
    SecretString: JSON.stringify({
      clientId: 'cid',
      refreshToken: 'rt',
      accessToken: 'at-live',
      accessTokenExpiresAt: Date.now() + 3_600_000,
      fleetApiBaseUrl: NA,
    }),
  });
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  agent.disableNetConnect();
  const tesla = agent.get(NA);
  const auth = (headers: Record<string, string>) => (seenTokens.push(headers.authorization ?? ''), true);
  tesla
    .intercept({ path: '/api/1/vehicles', method: 'GET', headers: auth })
    .reply(200, teslaFixture('vehicles_list.teslalogger-fleet-2024-models-online-model3-asleep.json'));
  tesla
    .intercept({ path: (p) => p.startsWith(`/api/1/vehicles/${ONLINE}/vehicle_data`), method: 'GET', headers: auth })
    .reply(200, teslaFixture('vehicle_data.ha-tesla_fleet-model3-online-parked.json'));
  saved.dispatcher = getGlobalDispatcher();
  setGlobalDispatcher(agent);
  ({ handler } = await import('../../../functions/collector/handler'));
});

afterAll(async () => {
  process.env = saved.env;
  if (saved.dispatcher) setGlobalDispatcher(saved.dispatcher);
  await agent.close();
  sm.restore();
  ddb.restore();
});

describe('the collector Lambda as deployed (cold start from its environment; Tesla and AWS mocked)', () => {
  it('records the online car from the stored token, leaves the sleeping one alone, and publishes its figures', async () => {
    const { result: summary, lines: emf } = await captureStdoutJson(() => handler({}, {} as Context));
    expect(summary).toMatchObject({ vehiclesSeen: 2, snapshotsWritten: 1, requests: { data: 1, wake: 0, command: 0 } });
    expect(new Set(seenTokens)).toEqual(new Set(['Bearer at-live']));
    const snapshot = ddb.commandCalls(PutCommand).find((c) => String(c.args[0].input.Item?.sk).startsWith('SNAP#'));
    expect(snapshot?.args[0].input.Item).toMatchObject({ pk: `VEHICLE#${ONLINE}`, snapshot: { odometerMi: 6481.019282 } });
    expect(emf).toContainEqual(expect.objectContaining({ FleetRequests: 1, category: 'data', service: 'collector' }));
    expect(emf).toContainEqual(expect.objectContaining({ SnapshotsWritten: 1 }));
  });
});
