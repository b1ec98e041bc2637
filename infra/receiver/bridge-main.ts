/**
 * The bridge's process on the receiver's instance (bundled by the stack; see shared/receiver/kinesis-bridge.ts):
 * listens on the loopback only, where fleet-telemetry's Kinesis dispatcher is pointed, and stores each record in the
 * stack's FIFO queue before answering. Settings come from the environment the instance's unit file sets.
 */
import { createServer } from 'node:http';
import { SQSClient } from '@aws-sdk/client-sqs';
import { kinesisBridge } from '../../shared/receiver/kinesis-bridge';
import { SqsRecordSink } from '../../shared/receiver/sqs-record-sink';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
};
const line = (level: string) => (message: string, extra?: Record<string, unknown>) =>
  void process.stdout.write(`${JSON.stringify({ level, message, ...extra, time: new Date().toISOString() })}\n`);
const log = { info: line('info'), warn: line('warn'), error: line('error') };

const client = new SQSClient({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 4_000 }, maxAttempts: 2 });
const server = createServer(kinesisBridge({ sink: new SqsRecordSink(client, env('RECORD_QUEUE_URL')), streams: [env('RECORD_STREAM')], log }));
server.listen(Number(env('BRIDGE_PORT')), '127.0.0.1', () => log.info('receiver bridge listening', { port: env('BRIDGE_PORT') }));
