import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultPackKwh, deriveHistory } from '../../shared/domain/history/history-machine';
import { parseTeslaFi } from '../../shared/import/teslafi';

/**
 * `npm run bench:teslafi -- --vin VIN --tz ZONE FILE...`: what this system derives from real TeslaFi exports (the
 * readings, drives, charging sessions and idle periods), printed to compare with what other loggers derive from the
 * same files. Nothing is stored.
 */
const { values, positionals } = parseArgs({ allowPositionals: true, options: { vin: { type: 'string' }, tz: { type: 'string' } } });
if (!values.vin || !values.tz || positionals.length === 0) throw new Error('usage: npm run bench:teslafi -- --vin VIN --tz ZONE FILE...');
const snapshots = [];
const changes = [];
for (const file of positionals) {
  const parsed = parseTeslaFi(await readFile(file, 'utf8'), { vin: values.vin, timeZone: values.tz, file: basename(file) });
  snapshots.push(...parsed.snapshots);
  changes.push(...parsed.changes);
  console.log(`${basename(file)}: ${parsed.snapshots.length} readings, ${parsed.changes.length} state changes, ${parsed.problems.length} rows skipped`);
  for (const p of parsed.problems.slice(0, 5)) console.log(`  line ${p.line}: ${p.message}`);
}
const step = deriveHistory(snapshots, { packKwh: defaultPackKwh(values.vin) }, undefined, changes);
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const km = (mi: number): string => (mi * 1.609344).toFixed(3);
console.log(`\ndrives: ${step.drives.length}`);
for (const d of step.drives) {
  console.log(
    `  started ${iso(d.startedAfter ?? d.start.at)}–${iso(d.startedBy)}, ended ${iso(d.endedAfter)}–${iso(d.endedBy ?? d.end.at)}: ${km(d.distanceMi)} km, ${d.readings} readings, max ${String(d.maxSpeedMph)} mph, ${String(d.estimatedEnergyKwh)} kWh (${d.energyEstimate ?? 'none'}), ${String(d.whPerMi)} Wh/mi`,
  );
}
console.log(`charging sessions: ${step.charges.length}`);
for (const c of step.charges) {
  console.log(
    `  ${iso(c.start.at)} → ${iso(c.end.at)}: ${String(c.energyAddedKwh)} kWh, ${String(c.start.batteryLevel)} → ${String(c.end.batteryLevel)} %, ${c.kind}, ${c.ratedWhPerMi ?? '–'} Wh per rated mile gained`,
  );
}
console.log(`idle periods: ${step.idles.length}; software versions: ${step.versions.map((v) => `${v.version} from ${iso(v.firstSeenAt)}`).join(', ')}`);
