import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { bundleLambda } from '../../infra/cdk/lambda-bundle';
import { startLocalDynamo, type LocalDynamo } from '../../infra/local/dynalite-server';
import { DEFAULT_SIM_VIN, FleetSimulator, SIM_CLIENT_ID } from '../../infra/simulator/fleet-simulator';
import { SimClock } from '../../infra/simulator/sim-clock';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';

/**
 * The functions as the stack ships them: bundled by `bundleLambda` into `index.mjs` and its chunks, loaded by a
 * plain Node process with the Node options the stack gives them, their handlers called with the events Lambda
 * would send. DynamoDB is dynalite, Tesla the simulator, and Secrets Manager a stand-in that answers GetSecretValue.
 */
const API_TOKEN = 'bundle-test-token-0123456789abcdef';

type Result = { statusCode: number; headers?: Record<string, string>; body?: string };
const FUNCTIONS = ['api', 'collector', 'token-rotation', 'automation-runner'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

let dir: string;
let dynamo: LocalDynamo;
let secrets: Server;
let secretsUrl: string;
let sim: FleetSimulator;
const secretValues = new Map<string, string>();

function event(path: string, token: string | null): Record<string, unknown> {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    requestContext: {
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
  };
}

/** Runs a bundle in a fresh Node process: one cold start, then the events in order. Returns results and logs. */
async function runBundle(
  name: FunctionName,
  events: Array<Record<string, unknown>>,
  tableName: string,
  nodeOptions: string[] = [],
): Promise<{ results: Result[]; logs: string }> {
  const runner = join(dir, `${name}-runner.mjs`);
  await writeFile(
    runner,
    `const { handler } = await import(${JSON.stringify(join(dir, name, 'index.mjs'))});
if (typeof handler !== 'function') throw new Error('no handler exported');
const results = [];
for (const e of ${JSON.stringify(events)}) results.push(await handler(e, { awsRequestId: 'r', functionName: 'api', getRemainingTimeInMillis: () => 29000 }));
process.stdout.write('\\n@@' + JSON.stringify(results));
`,
  );
  const env = {
    PATH: process.env.PATH ?? '',
    TABLE_NAME: tableName,
    TESLA_SECRET_ID: 'tesla',
    API_SECRET_ID: 'api',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
    TESLA_FLEET_API_URL: sim.baseUrl,
    TESLA_AUTH_URL: sim.baseUrl,
    TESLA_REGION_FIXED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  const child = spawn(process.execPath, [...nodeOptions, runner], { env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const marker = out.lastIndexOf('\n@@');
  if (code !== 0 || marker < 0) throw new Error(`bundle run failed (${code}): ${err.slice(0, 2000)}`);
  return { results: JSON.parse(out.slice(marker + 3)) as Result[], logs: out.slice(0, marker) + err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bundled-api-'));
  for (const name of FUNCTIONS) bundleLambda(`functions/${name}/handler.ts`, join(dir, name));
  dynamo = await startLocalDynamo({ tableName: 'bundled' });
  // The simulator on the real clock, as the child process keeps the time by it.
  const clock = new SimClock(Date.now(), 1);
  sim = await FleetSimulator.start({ clock });
  const login = sim.login();
  secretValues.set('api', JSON.stringify({ apiToken: API_TOKEN }));
  secretValues.set(
    'tesla',
    JSON.stringify({
      clientId: SIM_CLIENT_ID,
      refreshToken: login.refresh_token,
      accessToken: login.access_token,
      accessTokenExpiresAt: clock.now() + login.expires_in * 1000,
    }),
  );
  secrets = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      const id = (JSON.parse(body) as { SecretId?: string }).SecretId ?? '';
      const value = secretValues.get(id);
      if (target !== 'secretsmanager.GetSecretValue' || value === undefined) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'no such secret' }));
        return;
      }
      res.end(JSON.stringify({ ARN: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${id}`, Name: id, VersionId: 'v1', SecretString: value }));
    });
  });
  await new Promise<void>((resolve) => secrets.listen(0, '127.0.0.1', resolve));
  secretsUrl = `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await sim.stop();
  await new Promise((resolve) => secrets.close(resolve));
  await dynamo.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('every bundled function', () => {
  it.each(FUNCTIONS)(
    '%s loads from a cold start in a plain Node process and exports its handler',
    async (name) => {
      const { results } = await runBundle(name, [], 'bundled', name === 'api' ? [] : ['--enable-source-maps']);
      expect(results).toEqual([]);
    },
    60_000,
  );
});

describe('the bundled API function', () => {
  it('is split into chunks, with a map for each', async () => {
    const files = await readdir(join(dir, 'api'), { recursive: true });
    const chunks = files.filter((f) => f.startsWith('chunks/') && f.endsWith('.mjs'));
    expect(files).toContain('index.mjs');
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(files).toContain(`${chunk}.map`);
  });

  it('answers from a cold start, loading the chunks a request needs: health, data, the OpenAPI document, the dashboard', async () => {
    const { results } = await runBundle(
      'api',
      [event('/health', null), event('/vehicles', null), event('/vehicles', API_TOKEN), event('/openapi.json', null), event('/', null)],
      'bundled',
    );
    const [health, unauthorized, vehicles, openapi, page] = results;
    expect(health).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(health!.body!)).toEqual({ status: 'ok' });
    expect(unauthorized!.statusCode).toBe(401);
    expect(vehicles!.statusCode).toBe(200);
    expect(JSON.parse(vehicles!.body!)).toMatchObject({ vehicles: [] });
    expect(openapi!.statusCode).toBe(200);
    const doc = JSON.parse(openapi!.body!) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/vehicles/{vin}/commands/door_lock');
    expect(page!.statusCode).toBe(200);
    expect(page!.body).toContain('<html');
  }, 60_000);

  it('logs an unexpected error with its stack mapped back to the sources, and hides it from the caller', async () => {
    // A table that does not exist: DynamoDB's error is not one the API expects.
    const { results, logs } = await runBundle('api', [event('/vehicles', API_TOKEN)], 'no-such-table');
    expect(results[0]!.statusCode).toBe(500);
    expect(results[0]!.body).not.toMatch(/no-such-table|ResourceNotFound|stack/i);
    const line = logs.split('\n').find((l) => l.includes('unhandled error'));
    expect(line).toBeDefined();
    const stack = (JSON.parse(line!) as { stack: string }).stack;
    expect(stack).toMatch(/\.(ts|js):\d+:\d+/);
    expect(stack).not.toMatch(/\.mjs:\d+:\d+/);
  }, 60_000);
});

describe('the bundled collector function', () => {
  it('reads the simulated car through undici (a chunk of its own) and stores what it read', async () => {
    const scheduled = {
      version: '0',
      id: 'e',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: new Date().toISOString(),
      region: 'eu-west-1',
      resources: [],
      detail: {},
    };
    const { logs } = await runBundle('collector', [scheduled], 'bundled', ['--enable-source-maps']);
    expect(logs).not.toMatch(/"level":"ERROR"/);
    expect(sim.billing.total.data).toBeGreaterThanOrEqual(1);
    const doc = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
    const stored = await new DynamoDbStores({ client: doc, tableName: 'bundled', snapshotRetentionDays: 30 }).latestSnapshot(DEFAULT_SIM_VIN);
    expect(stored?.odometerMi).toBeGreaterThan(0);
  }, 60_000);
});
