import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleLambda } from '../../infra/cdk/lambda-bundle';

/**
 * The receiver's bridge as the stack ships it (bundled like the functions, run by a plain Node process), between a
 * client shaped like fleet-telemetry's Kinesis dispatcher and a stand-in for SQS. The bridge is killed outright while
 * SQS has not answered: the dispatcher must get no success, so the car is not acked and sends the record again.
 */
const VIN = '5YJ3E7EB0SF000081';
const RECORD = JSON.stringify({
  data: [{ key: 'Gear', value: { shiftStateValue: 'ShiftStateD' } }],
  createdAt: '2026-11-03T08:00:00Z',
  vin: VIN,
  isResend: false,
});

let dir: string;
let sqs: Server;
let sqsUrl: string;
/** What the stand-in does with a SendMessage: answer it (as SQS does, with the body's MD5), or hold it forever. */
let sqsMode: 'answer' | 'hold' = 'answer';
const sent: Array<{ body: string; group: string }> = [];
const held: ServerResponse[] = [];
let bridge: ChildProcess | null = null;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bridge-bundle-'));
  bundleLambda('infra/receiver/bridge-main.ts', dir);
  // SQS's JSON protocol, as the SDK speaks it: SendMessage answers its message id and the body's MD5, which the SDK checks.
  // SSM's GetParameter (the VIN allowlist) is answered too, with the owner's one car.
  sqs = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (String(req.headers['x-amz-target']).startsWith('AmazonSSM.')) {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        return void res.end(JSON.stringify({ Parameter: { Name: '/Stack/receiver/vins', Type: 'String', Value: VIN, Version: 1 } }));
      }
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { MessageBody: string; MessageGroupId: string };
      if (sqsMode === 'hold') return void held.push(res);
      sent.push({ body: input.MessageBody, group: input.MessageGroupId });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ MessageId: `m${sent.length}`, MD5OfMessageBody: createHash('md5').update(input.MessageBody).digest('hex') }));
    });
  });
  await new Promise<void>((resolve) => sqs.listen(0, '127.0.0.1', resolve));
  sqsUrl = `http://127.0.0.1:${(sqs.address() as AddressInfo).port}`;
});

afterEach(() => {
  bridge?.kill('SIGKILL');
  bridge = null;
});

afterAll(async () => {
  for (const res of held) res.destroy();
  sqs.closeAllConnections();
  await new Promise((resolve) => sqs.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** Starts the bundled bridge on a free port; resolves once it listens. */
async function startBridge(extra: Record<string, string> = {}): Promise<number> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  bridge = spawn(process.execPath, [join(dir, 'index.mjs')], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL_SQS: sqsUrl,
      AWS_ENDPOINT_URL_SSM: sqsUrl,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      RECORD_QUEUE_URL: `${sqsUrl}/111122223333/records.fifo`,
      BRIDGE_PORT: String(port),
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    bridge!.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
    bridge!.once('exit', (code) => reject(new Error(`the bridge exited (${String(code)})`)));
  });
  return port;
}

function putRecord(port: number, vin = VIN): Promise<{ status: number; body: string }> {
  const payload = JSON.stringify({ StreamName: 'tesla-V', PartitionKey: vin, Data: Buffer.from(RECORD).toString('base64') });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('the bundled bridge, in a process of its own', () => {
  it('stores a record in SQS (the car’s own message group) before it answers the dispatcher', async () => {
    sqsMode = 'answer';
    const port = await startBridge();
    const answer = await putRecord(port);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ ShardId: 'shardId-000000000000' });
    expect(sent.at(-1)).toEqual({ body: RECORD, group: VIN });
  });

  it('killed while SQS has not confirmed, gives the dispatcher no success: the car is not acked', async () => {
    sqsMode = 'hold';
    const port = await startBridge();
    const before = held.length;
    const answer = putRecord(port);
    while (held.length === before) await new Promise((resolve) => setTimeout(resolve, 20));
    bridge!.kill('SIGKILL');
    await expect(answer).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('with the VIN allowlist it is given, refuses another car’s record before SQS and stores the owner’s', async () => {
    sqsMode = 'answer';
    const port = await startBridge({ VINS_PARAMETER: '/Stack/receiver/vins' });
    const before = sent.length;
    expect((await putRecord(port, '5YJ3E7EB0SF000082')).status).toBe(400);
    expect(sent.length).toBe(before);
    expect((await putRecord(port)).status).toBe(200);
    expect(sent.length).toBe(before + 1);
  });
});
