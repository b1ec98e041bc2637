import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { kinesisBridge, type RecordSink } from '../../../shared/receiver/kinesis-bridge';
import { SqsRecordSink } from '../../../shared/receiver/sqs-record-sink';

const VIN = '5YJ3E7EA3LF760000';
const RECORD = { data: [{ key: 'Gear', value: { shiftStateValue: 'ShiftStateD' } }], createdAt: '2026-11-03T08:00:00Z', vin: VIN, isResend: false };
const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

async function bridge(
  sink: RecordSink,
  allows?: (vin: string) => Promise<boolean>,
): Promise<(target: string, body: unknown) => Promise<{ status: number; body: Record<string, unknown> }>> {
  server = createServer(kinesisBridge({ sink, streams: ['tesla-V'], log: silentLog, ...(allows ? { allows } : {}) }));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // As the dispatcher's Go SDK (v1, AWS JSON 1.1) sends it; the signature is not checked on the loopback.
  return (target, body) =>
    new Promise((resolve, reject) => {
      const payload = typeof body === 'string' ? body : JSON.stringify(body);
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': `Kinesis_20131202.${target}`,
            authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261103/eu-west-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

const putRecord = (data: unknown = RECORD, stream = 'tesla-V') => ({
  StreamName: stream,
  PartitionKey: VIN,
  Data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64'),
});

describe('the receiver’s bridge from fleet-telemetry’s Kinesis dispatcher to a confirming sink', () => {
  it('answers the dispatcher’s start-up check with the configured streams', async () => {
    const send = await bridge({ put: () => Promise.resolve() });
    expect(await send('ListStreams', { Limit: 1 })).toEqual({ status: 200, body: { StreamNames: ['tesla-V'], HasMoreStreams: false } });
  });

  it('answers PutRecord (with the shard and sequence the dispatcher reads) only after the sink confirmed the record', async () => {
    const stored: Array<{ stream: string; partitionKey: string; data: string }> = [];
    const send = await bridge({ put: (r) => Promise.resolve(void stored.push({ ...r, data: r.data.toString('utf8') })) });
    const answer = await send('PutRecord', putRecord());
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ SequenceNumber: '1', ShardId: 'shardId-000000000000' });
    expect(stored).toEqual([{ stream: 'tesla-V', partitionKey: VIN, data: JSON.stringify(RECORD) }]);
  });

  it('answers an error when the sink fails, so the server does not ack the car and the car sends the record again', async () => {
    const send = await bridge({ put: () => Promise.reject(new Error('ServiceUnavailable')) });
    const answer = await send('PutRecord', putRecord());
    expect(answer.status).toBe(500);
    expect(answer.body.__type).toBe('InternalFailure');
  });

  it('gives no answer at all when the bridge stops while a record is being stored: the car is not acked', async () => {
    let started: () => void = () => undefined;
    const storing = new Promise<void>((resolve) => (started = resolve));
    const send = await bridge({ put: () => (started(), new Promise<void>(() => undefined)) });
    const answer = send('PutRecord', putRecord());
    await storing;
    server!.closeAllConnections();
    await expect(answer).rejects.toThrow();
  });

  it('refuses an unknown stream, a body that is not base64 JSON (records passed on undecoded), and other operations', async () => {
    const puts: unknown[] = [];
    const send = await bridge({ put: (r) => Promise.resolve(void puts.push(r)) });
    expect((await send('PutRecord', putRecord(RECORD, 'other'))).status).toBe(400);
    expect((await send('PutRecord', { ...putRecord(), Data: '***' })).status).toBe(400);
    expect((await send('PutRecord', putRecord('\u0008\u0012binary protobuf'))).body.message).toMatch(/transmit_decoded_records/);
    expect((await send('PutRecord', 'not json')).status).toBe(400);
    expect((await send('DeleteStream', { StreamName: 'tesla-V' })).body.__type).toBe('UnknownOperationException');
    expect(puts).toEqual([]);
  });

  it('refuses a request larger than any record the server accepts', async () => {
    const send = await bridge({ put: () => Promise.resolve() });
    const answer = await send('PutRecord', { ...putRecord(), Data: 'A'.repeat(1_600_000) }).catch((e: Error) => ({ status: -1, body: { e } }));
    expect([413, -1]).toContain(answer.status);
  });
});

describe('the SQS sink', () => {
  it('sends each car’s records to its own message group, deduplicated by content, within a deadline', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
    const sink = new SqsRecordSink(new SQSClient({ region: 'eu-west-1' }), 'https://sqs.eu-west-1.amazonaws.com/123456789012/records.fifo');
    const data = Buffer.from(JSON.stringify(RECORD));
    await sink.put({ stream: 'tesla-V', partitionKey: VIN, data });
    await sink.put({ stream: 'tesla-V', partitionKey: VIN, data });
    const [first, second] = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(first).toMatchObject({ MessageBody: JSON.stringify(RECORD), MessageGroupId: VIN });
    expect(first?.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(second?.MessageDeduplicationId).toBe(first?.MessageDeduplicationId);
    const options = (sqs.send.firstCall.args as unknown[])[1];
    expect(options).toMatchObject({ abortSignal: expect.anything() });
    sqs.restore();
  });

  it('rejects when SQS does, so the bridge answers an error', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).rejects(new Error('AWS.SimpleQueueService.NonExistentQueue'));
    const sink = new SqsRecordSink(new SQSClient({ region: 'eu-west-1' }), 'https://sqs.eu-west-1.amazonaws.com/123456789012/records.fifo');
    await expect(sink.put({ stream: 'tesla-V', partitionKey: VIN, data: Buffer.from('{}') })).rejects.toThrow('NonExistentQueue');
    sqs.restore();
  });

  it('refuses, unacked and unstored, a record for a car not on the owner’s allowlist', async () => {
    const stored: string[] = [];
    const send = await bridge({ put: (r) => Promise.resolve(void stored.push(r.partitionKey)) }, (vin) => Promise.resolve(vin === VIN));
    expect((await send('PutRecord', putRecord())).status).toBe(200);
    const stranger = await send('PutRecord', { ...putRecord(), PartitionKey: '5YJ3E7EA3LF760001' });
    expect([stranger.status, stranger.body.__type]).toEqual([400, 'AccessDeniedException']);
    expect(stored).toEqual([VIN]);
  });
});
