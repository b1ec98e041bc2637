import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { logbookRows } from '../../shared/domain/history/logbook';
import { latestAnnotation, loggedDrivesOfYear } from '../../shared/domain/history/logbook-reads';
import { verifyLogbook } from '../../shared/domain/history/logbook-verify';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { LOCAL_AWS } from '../local/dynalite-server';

/**
 * The reading half of `npm run bench:logbook`, in its own process so that its memory is the API's alone (dynalite
 * runs in the parent): the routes' reads against a long chain, timed, with the peak heap and RSS they reach.
 * Prints one JSON line.
 */
const [endpoint, tableName, vin, year, driveId] = process.argv.slice(2) as [string, string, string, string, string];
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, ...LOCAL_AWS }));
const history = new DynamoDbHistoryStore({ client, tableName });
const never = () => false;
let peakHeap = 0;
let peakRss = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
}, 5);

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const out = await work();
  return [out, Math.round(performance.now() - started)];
}

const baseRss = process.memoryUsage().rss;
const [check, verifyMs] = await timed(() => verifyLogbook(history, vin, null, never));
const [singleHeap, singleRss] = [peakHeap, peakRss];
const [, parallelMs] = await timed(() => Promise.all(Array.from({ length: 5 }, () => verifyLogbook(history, vin, null, never))));
const [rows, yearMs] = await timed(async () => logbookRows(await loggedDrivesOfYear(history, vin, Number(year), never), Number(year), 'Europe/Berlin'));
const [, noteMs] = await timed(() => latestAnnotation(history, vin, driveId, never));
clearInterval(sampler);
process.stdout.write(
  `${JSON.stringify({ intact: check.intact, entries: check.entries, verifyMs, parallelVerifyMs: parallelMs, yearRows: rows.length, yearMs, noteMs, baseRssMb: Math.round(baseRss / 2 ** 20), singleRssMb: Math.round(singleRss / 2 ** 20), singleHeapMb: Math.round(singleHeap / 2 ** 20), peakRssMb: Math.round(peakRss / 2 ** 20), peakHeapMb: Math.round(peakHeap / 2 ** 20) })}\n`,
);
