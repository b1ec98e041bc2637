import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Log } from '../domain/stores';
import { readBounded } from '../http/read-bounded';

/**
 * Where the receiver's records go, confirmed: `put` resolves only once the record is stored durably (an SQS queue in
 * AWS), and rejects otherwise.
 */
export interface RecordSink {
  put(record: { stream: string; partitionKey: string; data: Buffer }): Promise<void>;
}

export interface KinesisBridgeOptions {
  sink: RecordSink;
  /** The stream names fleet-telemetry is configured with (`kinesis.streams`); a record for any other is refused. */
  streams: readonly string[];
  log: Log;
  /** The owner's cars (see vin-allowlist.ts): another car's record is refused, unacked, before it reaches the sink. */
  allows?: (vin: string) => Promise<boolean>;
}

/**
 * Tesla's fleet-telemetry server acks a car's record to it (with `reliable_ack`) only once its dispatcher confirms the
 * record. Its Kinesis dispatcher confirms on a successful `PutRecord`, and can be pointed at any endpoint
 * (`kinesis.override_host`). This bridge is that endpoint, on the receiver's own loopback: it answers the two
 * operations the dispatcher uses (`ListStreams` when it starts, `PutRecord` per record; AWS JSON 1.1 protocol, as the
 * Go SDK v1 speaks it) and answers `PutRecord` only after the sink confirmed. If the sink fails, the dispatcher gets an
 * error, the server sends no ack, and the car keeps the record and sends it again. So a record is acked only once it
 * is stored, wherever the bridge or the receiver stops.
 */
export function kinesisBridge(options: KinesisBridgeOptions): (request: IncomingMessage, response: ServerResponse) => void {
  let sequence = 0;
  return (request, response) => {
    void (async () => {
      const target = request.headers['x-amz-target'];
      if (request.method !== 'POST' || typeof target !== 'string')
        return answer(response, 400, error('SerializationException', 'expected an AWS JSON request'));
      const body = await readBounded(request, MAX_BODY_BYTES);
      if (body === null) return answer(response, 413, error('ValidationException', `request over ${MAX_BODY_BYTES} bytes`));
      const input = parseJson(body.toString('utf8'));
      switch (target) {
        case `${PREFIX}.ListStreams`:
          return answer(response, 200, { StreamNames: [...options.streams], HasMoreStreams: false });
        case `${PREFIX}.PutRecord`: {
          const record = putRecordInput(input, options.streams);
          if (typeof record === 'string') {
            options.log.warn('receiver bridge: record refused', { problem: record });
            return answer(response, 400, error('ValidationException', record));
          }
          if (options.allows && !(await options.allows(record.partitionKey))) {
            options.log.warn('receiver bridge: record for a car not on the allowlist refused', { vin: record.partitionKey });
            return answer(response, 400, error('AccessDeniedException', 'not one of the owner’s cars'));
          }
          try {
            await options.sink.put(record);
          } catch (e) {
            // Not confirmed: the dispatcher reports an error and the car is not acked, so it sends the record again.
            options.log.error('receiver bridge: record not stored', { stream: record.stream, error: e instanceof Error ? e.message : String(e) });
            return answer(response, 500, error('InternalFailure', 'the record was not stored'));
          }
          sequence += 1;
          // The dispatcher reads both fields of the answer.
          return answer(response, 200, { SequenceNumber: String(sequence), ShardId: 'shardId-000000000000' });
        }
        default:
          return answer(response, 400, error('UnknownOperationException', `${target} is not served here`));
      }
    })().catch((e: unknown) => {
      options.log.error('receiver bridge: request failed', { error: e instanceof Error ? e.message : String(e) });
      if (!response.headersSent) answer(response, 500, error('InternalFailure', 'request failed'));
    });
  };
}

const PREFIX = 'Kinesis_20131202';
/** fleet-telemetry refuses a car's message over 1 MB; base64 adds a third. */
export const MAX_BODY_BYTES = 1_500_000;

/** A PutRecord's stream, partition key (the VIN) and data, or what is wrong with it. */
function putRecordInput(input: unknown, streams: readonly string[]): { stream: string; partitionKey: string; data: Buffer } | string {
  if (typeof input !== 'object' || input === null) return 'the request is not a JSON object';
  const { StreamName, PartitionKey, Data } = input as Record<string, unknown>;
  if (typeof StreamName !== 'string' || !streams.includes(StreamName)) return `unknown stream ${JSON.stringify(StreamName)}`;
  if (typeof PartitionKey !== 'string' || PartitionKey === '') return 'no partition key';
  if (typeof Data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(Data)) return 'Data is not base64';
  const data = Buffer.from(Data, 'base64');
  // The server is configured to pass records on decoded (JSON); anything else is a misconfiguration, not a record.
  if (parseJson(data.toString('utf8')) === undefined) return 'Data is not a JSON record (is transmit_decoded_records on?)';
  return { stream: StreamName, partitionKey: PartitionKey, data };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const error = (type: string, message: string) => ({ __type: type, message });

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}
