import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultPackKwh, deriveHistory } from '../../shared/domain/history/history-machine';
import { parseTeslaFi } from '../../shared/import/teslafi';
import type { HistoryStep } from '../../shared/domain/history/history-machine';
import { replayAsPolled } from './teslafi-replay';

/**
 * `npm run bench:teslafi -- --vin VIN --tz ZONE [--poll] FILE...`: what this system derives from real TeslaFi exports
 * (the readings, drives, charging sessions and idle periods), printed to compare with what other loggers derive from
 * the same files. `--poll` derives again from only the rows this system's collector would have read (see
 * replayAsPolled), and prints that beside it. Nothing is stored.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { vin: { type: 'string' }, tz: { type: 'string' }, poll: { type: 'boolean' } },
});
if (!values.vin || !values.tz || positionals.length === 0) throw new Error('usage: npm run bench:teslafi -- --vin VIN --tz ZONE [--poll] FILE...');
const snapshots = [];
const changes = [];
for (const file of positionals) {
  const parsed = parseTeslaFi(await readFile(file, 'utf8'), { vin: values.vin, timeZone: values.tz, file: basename(file) });
  snapshots.push(...parsed.snapshots);
  changes.push(...parsed.changes);
  console.log(`${basename(file)}: ${parsed.snapshots.length} readings, ${parsed.changes.length} state changes, ${parsed.problems.length} rows skipped`);
  for (const p of parsed.problems.slice(0, 5)) console.log(`  line ${p.line}: ${p.message}`);
}
const options = { packKwh: defaultPackKwh(values.vin) };
printStep('every row', deriveHistory(snapshots, options, undefined, changes));
if (values.poll) {
  const polled = replayAsPolled(snapshots, changes);
  console.log(`\nas this system's collector would have read it: ${polled.reads} reads (${polled.readings.length} answered) of ${snapshots.length} rows`);
  printStep('polled', deriveHistory(polled.readings, options, undefined, changes));
}

function printStep(title: string, step: HistoryStep): void {
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
  const km = (mi: number): string => (mi * 1.609344).toFixed(3);
  console.log(`\n${title}: drives ${step.drives.length}`);
  for (const d of step.drives) {
    console.log(
      `  started ${iso(d.startedAfter ?? d.start.at)}–${iso(d.startedBy)}, ended ${iso(d.endedAfter)}–${iso(d.endedBy ?? d.end.at)}: ${km(d.distanceMi)} km, ${d.readings} readings, max ${String(d.maxSpeedMph)} mph, ${String(d.estimatedEnergyKwh)} kWh (${d.energyEstimate ?? 'none'}), ${String(d.whPerMi)} Wh/mi`,
    );
  }
  console.log(`charging sessions: ${step.charges.length}`);
  for (const c of step.charges) {
    console.log(
      `  ${iso(c.start.at)} → ${iso(c.end.at)}: ${String(c.energyAddedKwh)} kWh (drawn ${c.energyUsedKwh ?? '–'}), ${String(c.start.batteryLevel)} → ${String(c.end.batteryLevel)} %, ${c.kind}, ${c.ratedWhPerMi ?? '–'} Wh per rated mile gained`,
    );
  }
  const drain = step.idles.map(
    (i) => `${i.drainPercentPerDay === null ? '–' : i.drainPercentPerDay.toFixed(2)} %/day over ${(i.durationMs / 3_600_000).toFixed(1)} h`,
  );
  console.log(
    `idle periods: ${step.idles.length}${drain.length ? ` (${drain.join('; ')})` : ''}; software versions: ${step.versions.map((v) => `${v.version} from ${iso(v.firstSeenAt)}`).join(', ')}`,
  );
}
