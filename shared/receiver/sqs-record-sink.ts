import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RecordSink } from './kinesis-bridge';

/** A send that takes longer is given up (and the car not acked, so it sends the record again). */
export const SINK_DEADLINE_MS = 5_000;

/**
 * Records into an SQS FIFO queue: one message group per car, so each car's records reach the recorder in the order
 * the car sent them; deduplicated by content for five minutes, so a record the car sends again after a lost ack is
 * stored once (the recorder is idempotent beyond that window too). SendMessage answers only once SQS has stored the
 * message redundantly: that is the confirmation the car's ack waits for.
 */
export class SqsRecordSink implements RecordSink {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async put(record: { stream: string; partitionKey: string; data: Buffer }): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: record.data.toString('utf8'),
        MessageGroupId: record.partitionKey,
        MessageDeduplicationId: createHash('sha256').update(record.data).digest('hex'),
        MessageAttributes: { stream: { DataType: 'String', StringValue: record.stream } },
      }),
      { abortSignal: AbortSignal.timeout(SINK_DEADLINE_MS) },
    );
  }
}
