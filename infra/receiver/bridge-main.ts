/**
 * The bridge's process on the receiver's instance (bundled by the stack; see shared/receiver/kinesis-bridge.ts):
 * listens on the loopback only, where fleet-telemetry's Kinesis dispatcher is pointed, and stores each record in the
 * stack's FIFO queue before answering. Settings come from the environment the instance's start script sets.
 */
import { createServer } from 'node:http';
import { BRIDGE_PORT } from '../cdk/receiver-host';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SettingsReader } from '../../shared/config/settings-reader';
import { log } from '../../shared/logger';
import { kinesisBridge } from '../../shared/receiver/kinesis-bridge';
import { RECORD_STREAMS } from '../../shared/domain/telemetry/record-streams';
import { SqsRecordSink } from '../../shared/receiver/sqs-record-sink';
import { ssmParameters } from '../../shared/receiver/ssm-parameters';
import { ssmVinList } from '../../shared/receiver/ssm-vin-list';
import { VinAllowlist } from '../../shared/receiver/vin-allowlist';

const env = new SettingsReader(process.env);
const port = env.int('BRIDGE_PORT', { min: 1, max: 65_535, default: BRIDGE_PORT });
const client = new SQSClient({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 4_000 }, maxAttempts: 2 });
// The owner's VINs (written by PUT /streaming): another car's records are refused before they reach the queue.
const vinsParameter = env.optional('VINS_PARAMETER');
const allowlist =
  vinsParameter === undefined
    ? null
    : new VinAllowlist(
        ssmVinList(
          ssmParameters((ssm) => new ssm.SSMClient({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 4_000 }, maxAttempts: 2 })),
          vinsParameter,
        ).read,
        log,
      );
const server = createServer(
  kinesisBridge({
    sink: new SqsRecordSink(client, env.required('RECORD_QUEUE_URL')),
    streams: Object.values(RECORD_STREAMS),
    log,
    ...(allowlist ? { allows: (vin: string) => allowlist.allows(vin) } : {}),
  }),
);
server.listen(port, '127.0.0.1', () => log.info('receiver bridge listening', { port }));
