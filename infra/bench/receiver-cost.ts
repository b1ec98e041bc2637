import { RECEIVER_INSTANCE_TYPE, RECEIVER_VOLUME_GB } from '../cdk/receiver-host';
import { RECORD_BATCH_SIZE } from '../cdk/streaming-receiver';
import { PRICES } from './aws-cost';

/**
 * What the streaming receiver adds to the AWS bill per month (us-east-1 list prices, 730 hours), from the records
 * the cars stream. Most of it is fixed: the instance, its public IPv4 address, its disk. Per record: one SQS
 * SendMessage, the recorder's receive and delete per batch, its Lambda time, and the table writes the collector makes
 * per reading (the snapshot, its day rollup's two bounds, the streamed state, the history's state) plus two reads.
 */
export const RECEIVER_PRICES = {
  /** t4g.nano on demand, Linux. */
  instancePerHour: 0.0042,
  /** Every public IPv4 address, attached or not (since February 2024). */
  publicIpv4PerHour: 0.005,
  gp3PerGbMonth: 0.08,
  /** FIFO queues; the first million requests a month (all queues) are free. */
  sqsFifoPerMillionRequests: 0.5,
} as const;

export const HOURS_PER_MONTH = 730;
const WRITES_PER_RECORD = 5;
const READS_PER_RECORD = 2;
/** The recorder's modelled time per batch (ten DynamoDB round trips per record at ~8 ms) and its memory. */
const RECORDER_MS_PER_RECORD = 10 * 8;
const RECORDER_MB = 256;
/** The receiver's alarms (three) and metric (one) beyond the default stack's, which uses the free ones. */
const ALARMS = 3;
const METRICS = 1;

export interface ReceiverCostLine {
  item: string;
  usd: number;
}

/** The month's receiver cost, line by line, for a number of records streamed. */
export function receiverMonthlyCost(records: number): ReceiverCostLine[] {
  const batches = Math.ceil(records / RECORD_BATCH_SIZE);
  const sqsRequests = records + 2 * batches;
  const lambdaGbSeconds = (records * RECORDER_MS_PER_RECORD * RECORDER_MB) / 1024 / 1000;
  return [
    { item: `instance (${RECEIVER_INSTANCE_TYPE}, on demand)`, usd: HOURS_PER_MONTH * RECEIVER_PRICES.instancePerHour },
    { item: 'public IPv4 address (Elastic IP)', usd: HOURS_PER_MONTH * RECEIVER_PRICES.publicIpv4PerHour },
    { item: `disk (gp3, ${RECEIVER_VOLUME_GB} GB)`, usd: RECEIVER_VOLUME_GB * RECEIVER_PRICES.gp3PerGbMonth },
    { item: `SQS FIFO (${sqsRequests.toLocaleString('en-US')} requests)`, usd: (sqsRequests / 1e6) * RECEIVER_PRICES.sqsFifoPerMillionRequests },
    {
      item: `recorder (Lambda, ${batches.toLocaleString('en-US')} batches)`,
      usd: (batches / 1e6) * PRICES.lambdaPerMillionRequests + lambdaGbSeconds * PRICES.lambdaPerGbSecondArm,
    },
    {
      item: 'DynamoDB (readings, state, history)',
      usd: (records * WRITES_PER_RECORD * PRICES.dynamoPerMillionWrites + records * READS_PER_RECORD * PRICES.dynamoPerMillionReads) / 1e6,
    },
    { item: `alarms (${ALARMS}) and metric (${METRICS})`, usd: ALARMS * PRICES.alarmPerMonth + METRICS * PRICES.customMetricPerMonth },
  ];
}

export const totalUsd = (lines: readonly ReceiverCostLine[]): number => lines.reduce((sum, l) => sum + l.usd, 0);
