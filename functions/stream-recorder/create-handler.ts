import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { recordReceived, type StreamRecordOutcome, type StreamRecorderDeps } from '../../shared/domain/telemetry/record-stream';

export type StreamBatchCounts = Record<StreamRecordOutcome, number> & { retried: number };

/** Where a batch's figures go besides the log: a CloudWatch metric in AWS. */
export interface StreamRecorderSignals {
  batchDone(counts: StreamBatchCounts): void;
}

/**
 * Records a batch of streamed records from the receiver's FIFO queue, each car's in the order the car sent them:
 * vehicle data, or the receiver's connectivity events, as the message's `stream` attribute says (see recordReceived). A
 * record that cannot be read, or is for a car not the owner's, is logged and left out (sending it again cannot mend
 * it). A failure to store is reported back for that message and every one after it in the batch: on a FIFO queue the
 * function must stop at the first failure so that the rest are not recorded out of order
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting).
 * SQS then delivers them again, and after the queue's maxReceiveCount they go to its dead-letter queue (alarmed).
 */
export function createStreamRecorderHandler(deps: StreamRecorderDeps, signals?: StreamRecorderSignals) {
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
    const counts: StreamBatchCounts = { recorded: 0, duplicate: 0, late: 0, unreadable: 0, unknown_vin: 0, retried: 0 };
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const message of event.Records) {
      if (batchItemFailures.length > 0) {
        batchItemFailures.push({ itemIdentifier: message.messageId });
        continue;
      }
      try {
        counts[await recordReceived(deps, message.messageAttributes?.stream?.stringValue, parseBody(message.body))] += 1;
      } catch (error) {
        deps.log.error('stream: record not stored, to be delivered again', {
          messageId: message.messageId,
          error: error instanceof Error ? error.message : String(error),
        });
        batchItemFailures.push({ itemIdentifier: message.messageId });
      }
    }
    counts.retried = batchItemFailures.length;
    deps.log.info('stream: batch recorded', { ...counts });
    signals?.batchDone(counts);
    return { batchItemFailures };
  });
}

/** Not JSON is unreadable, which the recorder reports as such. */
function parseBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
