import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { parseLocalSettings } from '../../shared/config/local-settings';
import { isTimeZone } from '../../shared/domain/history/logbook';
import { importHistory } from '../../shared/import/import-history';
import { importTeslaMate } from '../../shared/import/import-teslamate';
import { parseTeslaFi, type TeslaFiImport } from '../../shared/import/teslafi';
import { readTeslaMateFile, teslaMateHistory } from '../../shared/import/teslamate';
import { openImportTarget, type ImportTarget } from './import-target';

const USAGE = `npm run import -- teslafi --vin VIN --tz ZONE FILE...
npm run import -- teslamate --vin VIN [--currency CODE] cars.csv drives.csv charging_processes.csv [addresses.csv geofences.csv]
  add --stack NAME [--region REGION] to import into the deployed table instead of DATA_DIR

teslafi: TeslaFi CSV exports (Settings → Advanced → Download TeslaFi Data; a file a month) of one car. The readings
are stored and the car's drives, charging sessions, idle periods, months and logbook entries derived from them with
the collector's own code. --tz is the time zone TeslaFi wrote its Date column in (yours, such as Europe/Berlin).

teslamate: TeslaMate's tables as \\copy writes them (docs/history-and-logbook.md shows the commands). Its drives and
charging sessions are kept as TeslaMate derived them, marked as imported; --currency names the currency of its costs.

Importing a file again changes nothing. Locally, stop \`npm start\` first: it holds the data folder. With --stack, the
collector may keep running: the import must end before the first reading it took (checked; nothing is stored if not).`;

const VIN = /^[A-HJ-NPR-Z0-9]{17}$/;

const OPTIONS = {
  vin: { type: 'string' },
  tz: { type: 'string' },
  currency: { type: 'string' },
  stack: { type: 'string' },
  region: { type: 'string' },
  help: { type: 'boolean' },
} as const;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: OPTIONS });
  if (values.help) return console.log(USAGE);
  const [source, ...files] = positionals;
  if (source !== 'teslafi' && source !== 'teslamate') throw new Error('the first argument names the source: teslafi or teslamate (see --help)');
  if (!values.vin || !VIN.test(values.vin)) throw new Error('--vin must be the car’s 17-character VIN (see --help)');
  if (files.length === 0) throw new Error('name at least one exported CSV file');
  const settings = parseLocalSettings(process.env, process.cwd());
  const stack = values.stack ? { name: values.stack, ...(values.region ? { region: values.region } : {}) } : null;
  if (source === 'teslafi') {
    if (!values.tz || !isTimeZone(values.tz)) throw new Error('--tz must be an IANA time zone such as Europe/Berlin: the zone of the Date column');
    return importTeslaFiFiles(values.vin, values.tz, files, settings, stack);
  }
  if (values.currency !== undefined && !/^[A-Z]{3}$/.test(values.currency)) throw new Error('--currency must be an ISO 4217 code such as EUR');
  return importTeslaMateFiles(values.vin, values.currency ?? null, files, settings, stack);
}

type Settings = ReturnType<typeof parseLocalSettings>;

async function importTeslaFiFiles(vin: string, timeZone: string, files: string[], settings: Settings, stack: { name: string } | null): Promise<void> {
  const read = async (file: string): Promise<TeslaFiImport> =>
    parseTeslaFi(await readFile(file, 'utf8'), { vin, timeZone, file: basename(file), includeLocation: settings.includeLocation });
  // Every file is read and checked before anything is stored: a file of another car stops the whole import. Then
  // each is read again as it is stored, so a year of files never sits in memory at once.
  let [from, until] = [Number.POSITIVE_INFINITY, 0];
  for (const file of files) {
    const one = await read(file);
    const skipped = one.problems.length > 0 ? `, ${one.problems.length} rows skipped:` : '';
    console.log(`${basename(file)}: ${one.snapshots.length} readings, ${one.changes.length} state changes${skipped}`);
    for (const p of one.problems.slice(0, 20)) console.log(`  line ${p.line}: ${p.message}`);
    for (const r of [...one.snapshots.map((s) => s.takenAt), ...one.changes.map((c) => c.at)]) [from, until] = [Math.min(from, r), Math.max(until, r)];
  }
  async function* batches(): AsyncGenerator<TeslaFiImport> {
    for (const file of files) yield await read(file);
  }
  await into(settings, stack, async (target) => {
    const result = await importHistory(target, vin, batches(), Date.now(), { from, until, live: target.live });
    const added = result.carAdded ? '; the car is listed from now on' : '';
    return `${result.readings} readings and ${result.stateChanges} state changes stored; ${result.drives} drives and ${result.charges} charging sessions derived${added}`;
  });
}

async function importTeslaMateFiles(vin: string, currency: string | null, files: string[], settings: Settings, stack: { name: string } | null): Promise<void> {
  const tables = await Promise.all(files.map(async (file) => readTeslaMateFile(await readFile(file, 'utf8'), basename(file))));
  const history = teslaMateHistory(tables, { vin, currency });
  console.log(
    `${history.drives.length} drives and ${history.charges.length} charging sessions of ${vin} read${history.problems.length ? `, ${history.problems.length} rows skipped:` : ''}`,
  );
  for (const p of history.problems.slice(0, 20)) console.log(`  ${p.file} line ${p.line}: ${p.message}`);
  await into(settings, stack, async (target) => {
    const result = await importTeslaMate(target, vin, history);
    const left = result.overlapping.length ? `; ${result.overlapping.length} left out, as records here cover their time` : '';
    return `${result.drives} drives and ${result.charges} charging sessions kept, ${result.logged} drives logged${left}${result.carAdded ? '; the car is listed from now on' : ''}`;
  });
}

async function into(settings: Settings, stack: { name: string } | null, run: (target: ImportTarget) => Promise<string>) {
  const quiet = { info: () => undefined, warn: (m: string) => console.warn(`warning: ${m}`), error: (m: string) => console.error(m) };
  const target = await openImportTarget(settings, stack, quiet);
  try {
    console.log(`into ${target.where}: ${await run(target)}`);
  } finally {
    await target.close();
  }
}

main().catch((error: unknown) => {
  console.error(`import failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
