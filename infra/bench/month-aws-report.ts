import { COLLECTOR_RUN_WRITES } from '../../shared/store/dynamodb-collector-runs';
import { ROTATION_INTERVAL_HOURS } from '../../shared/tokens/token-bundle';
import { receiverMonthlyCost, totalUsd } from './receiver-cost';
import { ASSUMED_COLD_STARTS_PER_DAY, DEFAULT_STACK_ITEMS, estimateAwsCost, KMS_REQUESTS_PER_DAY, secretsManagerCalls } from './aws-cost';

export interface MonthCounts {
  days: number;
  passes: number;
  /** Fleet API requests of every kind, billed or not. */
  fleetCalls: number;
  written: { itemsWritten: number; bytesWritten: number; requests: number };
  /** Snapshots stored, all cars. */
  snapshots: number;
  /** Reads of the token secret by the functions' cache. */
  tokenReads: number;
}

/**
 * The AWS cost of the default deployment, scaled to 30 days, from what a run counted. Modelled latencies: a Fleet
 * call from Lambda ~250 ms, a DynamoDB call ~8 ms; an owner's ~10 API calls a day; two automations a day (a wake
 * and a command each); notifications on, ~10 a day on each of webhook, ntfy and e-mail. With notifications on, a
 * pass reads their settings and the queue (2 reads), and each reading reads the settings and the detectors' memory
 * (which holds the reading before) and writes that memory back (2 reads, 1 write); each notification and channel is
 * ~4 writes (record, queue, settle, delete).
 */
export function printAwsCost(c: MonthCounts): void {
  const scale = 30 / c.days;
  const { passes, written } = c;
  const collectorMs = 60 + (c.fleetCalls * 250 + written.requests * 8) / passes;
  const cost = estimateAwsCost({
    collectorInvocations: passes * scale,
    collectorMs,
    apiRequests: 300,
    apiMs: 400,
    rotationInvocations: 6 * 4 * 30, // every 4 hours, four steps
    // The run lease: taken and freed by every run (DynamoDbCollectorRuns; the bench calls the pass directly).
    dynamoWrites: passes * scale * COLLECTOR_RUN_WRITES + written.itemsWritten * scale + c.snapshots * scale + 10 * 30 * 3 * 4 + 60 * 4,
    dynamoReads: (written.requests - written.itemsWritten) * scale + passes * scale * 2 + c.snapshots * scale * 2 + 60 * 6,
    storedBytes: written.bytesWritten * scale * 12, // a year of history kept
    secretsCalls: secretsManagerCalls({
      days: 30,
      collectorReadsPerDay: c.tokenReads / c.days,
      rotationsPerDay: 24 / ROTATION_INTERVAL_HOURS,
      apiColdStarts: 100,
    }),
    kmsRequests: 30 * KMS_REQUESTS_PER_DAY,
    logBytes: passes * scale * 700,
    ...DEFAULT_STACK_ITEMS,
    customMetrics: 10,
    memoryMb: 256,
    automationRuns: 60,
    automationMs: 60 + 3 * 250 + 0.5 * 20_000, // state, wake, command; half the runs wait ~20 s for a sleeping car
    emailNotifications: 10 * 30,
  });
  const total = (f: (l: (typeof cost)[number]) => number) => cost.reduce((sum, line) => sum + f(line), 0);
  console.log(`\nestimated AWS cost per month (us-east-1 list prices; modelled collector run ${collectorMs.toFixed(0)} ms):`);
  console.log(
    `  (the collector's token cache read the secret ${c.tokenReads} times in ${c.days} days; cold starts assumed ${ASSUMED_COLD_STARTS_PER_DAY} a day)`,
  );
  for (const line of cost) console.log(`  ${line.item.padEnd(64)} $${line.usd.toFixed(3)}   after always-free tier $${line.usdAfterFreeTier.toFixed(3)}`);
  console.log(
    `  ${'total'.padEnd(64)} $${total((l) => l.usd).toFixed(2)}   after always-free tier $${total((l) => l.usdAfterFreeTier).toFixed(2)}  (target < $1)`,
  );
}

/**
 * Signals a streamed record carries on average: what the simulated stream of `bench:month --telemetry` sent (a field
 * changes on its own far more often than together with others; 1.13 on the commuter's month).
 */
const SIGNALS_PER_RECORD = 1.1;

/**
 * What the optional streaming receiver would add per month: for the records the simulated stream sent (--telemetry),
 * else for the cars' estimated signals.
 */
export function printReceiverCost(month: { records: number } | { signals: number }): void {
  const measured = 'records' in month;
  const records = Math.round(measured ? month.records : month.signals / SIGNALS_PER_RECORD);
  const lines = receiverMonthlyCost(records);
  const basis = measured ? 'as the simulated stream sent them' : `estimated at ${SIGNALS_PER_RECORD} signals each`;
  console.log(`\nstreaming receiver, if switched on (us-east-1 list prices; ~${records.toLocaleString('en-US')} records a month, ${basis}):`);
  for (const line of lines) console.log(`  ${line.item.padEnd(64)} $${line.usd.toFixed(3)}`);
  const fixed = lines.slice(0, 3).reduce((sum, l) => sum + l.usd, 0);
  console.log(
    `  ${'total'.padEnd(64)} $${totalUsd(lines).toFixed(2)}   (the always-on part, $${fixed.toFixed(2)}, is the ~$7.50 t4g.nano with an Elastic IP: nothing cheaper holds a mutual-TLS socket open; docs/streaming.md)`,
  );
}
