import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { parseLocalSettings } from '../../shared/config/local-settings';
import { isTimeZone } from '../../shared/domain/history/logbook';
import { importHistory } from '../../shared/import/import-history';
import { parseTeslaFi, type TeslaFiImport } from '../../shared/import/teslafi';
import { openLocalData } from './local-data';

const USAGE = `npm run import -- teslafi --vin VIN --tz ZONE FILE...

Imports TeslaFi CSV exports (Settings → Advanced → Download TeslaFi Data; a file a month) of one car into the
history under DATA_DIR, then derives its drives, charging sessions, idle periods, months and logbook entries with
the collector's own code. --tz is the time zone TeslaFi wrote its Date column in (yours, such as Europe/Berlin).
Importing a file again changes nothing. Stop \`npm start\` first: it holds the data folder.`;

const VIN = /^[A-HJ-NPR-Z0-9]{17}$/;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { vin: { type: 'string' }, tz: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) return console.log(USAGE);
  const [source, ...files] = positionals;
  if (source !== 'teslafi') throw new Error(`the first argument names the source: teslafi (see --help)`);
  if (!values.vin || !VIN.test(values.vin)) throw new Error('--vin must be the car’s 17-character VIN (see --help)');
  if (!values.tz || !isTimeZone(values.tz)) throw new Error('--tz must be an IANA time zone such as Europe/Berlin: the zone of the Date column');
  if (files.length === 0) throw new Error('name at least one exported CSV file');
  const vin = values.vin;
  const timeZone = values.tz;
  const settings = parseLocalSettings(process.env, process.cwd());
  const { includeLocation } = settings;
  const read = async (file: string): Promise<TeslaFiImport> =>
    parseTeslaFi(await readFile(file, 'utf8'), { vin, timeZone, file: basename(file), includeLocation });
  // Every file is read and checked before anything is stored: a file of another car stops the whole import. Then
  // each is read again as it is stored, so a year of files never sits in memory at once.
  for (const file of files) {
    const one = await read(file);
    const skipped = one.problems.length > 0 ? `, ${one.problems.length} rows skipped:` : '';
    console.log(`${basename(file)}: ${one.snapshots.length} readings, ${one.changes.length} state changes${skipped}`);
    for (const p of one.problems.slice(0, 20)) console.log(`  line ${p.line}: ${p.message}`);
  }
  async function* batches(): AsyncGenerator<TeslaFiImport> {
    for (const file of files) yield await read(file);
  }
  const quiet = { info: () => undefined, warn: (m: string) => console.warn(`warning: ${m}`), error: (m: string) => console.error(m) };
  const data = await openLocalData(settings, quiet);
  try {
    const result = await importHistory({ vehicles: data.stores, snapshots: data.stores, history: data.history }, vin, batches(), Date.now());
    await data.checkpoint.advance();
    console.log(
      `${values.vin}: ${result.readings} readings and ${result.stateChanges} state changes stored; ${result.drives} drives and ${result.charges} charging sessions derived${result.carAdded ? '; the car is listed from now on' : ''}`,
    );
  } finally {
    for (const stop of data.stopping) await stop();
  }
}

main().catch((error: unknown) => {
  console.error(`import failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
