import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Drive } from '../../shared/domain/history/history-records';
import { driveFacts, sealEntry, type LogContent, type LogEntry } from '../../shared/domain/history/logbook';
import { catchUpLogIndex } from '../../shared/domain/history/logbook-index';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { logSk, vehiclePk } from '../../shared/store/table-schema';
import { startLocalDynamo } from '../local/dynalite-server';

/**
 * `npm run bench:logbook [entries]`: a logbook of 20,000 entries (by default; four drives in five get a note) on
 * dynalite, then the logbook routes' reads in a separate process: verify alone and five at once, a year's logbook,
 * a drive's note, with the peak memory they reach. The Lambda has 256 MB and API Gateway waits 29 s.
 */
const ENTRIES = Number(process.argv[2] ?? 20_000);
const VIN = '5YJ3E7EB0SF000001';
const TABLE = 'bench';

const dynamo = await startLocalDynamo({ tableName: TABLE });
const client = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
const history = new DynamoDbHistoryStore({ client, tableName: TABLE });

// Drives about every 5 hours from 2019 on, and after every fourth drive a note on it.
const drives: Drive[] = [];
const contents: LogContent[] = [];
for (let n = 0; contents.length < ENTRIES; n++) {
  const start = Date.parse('2019-01-01T07:00:00Z') + n * 5 * 3_600_000;
  const odometer = 1000 + n * 9;
  const drive = {
    vin: VIN,
    id: String(start),
    start: { at: start, odometerMi: odometer, location: { latitude: 52.5, longitude: 13.4 } },
    end: { at: start + 1_500_000, odometerMi: odometer + 9, location: { latitude: 52.52, longitude: 13.41 } },
    distanceMi: 9,
  } as unknown as Drive;
  drives.push(drive);
  contents.push(driveFacts(drive));
  if (n % 4 === 3 && contents.length < ENTRIES)
    contents.push({ kind: 'annotation', driveId: drive.id, purpose: 'business', note: `visit ${n}`, at: start + 3_600_000 });
}
const seedStarted = performance.now();
for (let i = 0; i < drives.length; i += 500)
  await history.saveHistoryStep(VIN, { drives: drives.slice(i, i + 500), charges: [], versions: [], idles: [], state: { vin: VIN } as never });
let previous: LogEntry | null = null;
const entries = contents.map((c) => (previous = sealEntry(VIN, previous, c)));
for (let i = 0; i < entries.length; i += 25) {
  const batch = entries.slice(i, i + 25).map((entry) => ({ PutRequest: { Item: { pk: vehiclePk(VIN), sk: logSk(entry.seq), entry } } }));
  await client.send(new BatchWriteCommand({ RequestItems: { [TABLE]: batch } }));
}
const seedMs = performance.now() - seedStarted;
const indexStarted = performance.now();
await catchUpLogIndex(history, VIN);
const indexMs = performance.now() - indexStarted;

const noted = drives[drives.length - 5]!.id;
const year = new Date(drives[Math.floor(drives.length / 2)]!.start.at).getUTCFullYear();
// Asynchronously: dynalite answers the reader from this process's event loop.
const reader = await promisify(execFile)(
  process.execPath,
  ['--import', 'tsx', 'infra/bench/logbook-reader.ts', dynamo.endpoint, TABLE, VIN, String(year), noted],
  { encoding: 'utf8', env: process.env, maxBuffer: 1 << 20 },
);
await dynamo.stop();
const r = JSON.parse(reader.stdout.trim().split('\n').at(-1)!) as Record<string, number | boolean>;

console.log(`logbook bench: ${ENTRIES.toLocaleString('en')} entries, ${drives.length.toLocaleString('en')} drives since 2019 (dynalite, in memory)`);
console.log(`  seeding ${(seedMs / 1000).toFixed(1)} s; building the index from the whole chain (an upgrade's first read) ${(indexMs / 1000).toFixed(1)} s`);
console.log(`  verify: intact=${String(r.intact)}, ${String(r.entries)} entries in ${String(r.verifyMs)} ms; five at once ${String(r.parallelVerifyMs)} ms`);
console.log(`  year ${year}: ${String(r.yearRows)} rows in ${String(r.yearMs)} ms; a drive's note (what PATCH reads) in ${String(r.noteMs)} ms`);
console.log(`  reader process memory (Lambda: 256 MB, one request at a time): RSS ${String(r.baseRssMb)} MB at start`);
console.log(
  `    one verify: peak RSS ${String(r.singleRssMb)} MB, heap ${String(r.singleHeapMb)} MB; all reads, five verifies at once (the local host): RSS ${String(r.peakRssMb)} MB, heap ${String(r.peakHeapMb)} MB`,
);
