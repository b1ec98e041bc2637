import type { StateChange } from '../domain/history/history-records';
import { snapshotFromVehicleData, type Snapshot } from '../domain/snapshot';
import { csvRows } from './csv-rows';
import { zonedTimeToUtc } from './zoned-time';

/**
 * TeslaFi's CSV export ("Download TeslaFi Data", a file a month): one row per poll, the columns named as the Tesla
 * API names its fields, `Date` in the owner's local time, empty and `None` for nothing. A row whose car was asleep or
 * offline, or that holds only a state check, is a state change, not a reading; every other row is a reading, read by
 * the same code as the Fleet API's `vehicle_data` answer.
 */
export interface TeslaFiImport {
  snapshots: Snapshot[];
  changes: StateChange[];
  /** Rows skipped, each with why: nothing from them is stored. */
  problems: Array<{ line: number; message: string }>;
  /** The car's name in the file, if it has one. */
  displayName: string | null;
}

export class TeslaFiFileError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'TeslaFiFileError';
  }
}

const STATES = new Set(['online', 'asleep', 'offline']);
const POSITION = new Set(['latitude', 'longitude', 'native_latitude', 'native_longitude']);

/** `includeLocation`: keep the car's position, as the collector does only with INCLUDE_LOCATION on (default off). */
export function parseTeslaFi(text: string, options: { vin: string; timeZone: string; file: string; includeLocation?: boolean }): TeslaFiImport {
  const rows = csvRows(text);
  const header = rows.next();
  if (header.done) throw new TeslaFiFileError(options.file, 'is empty');
  const columns = header.value.fields.map((c) => c.trim());
  if (!columns.includes('Date')) throw new TeslaFiFileError(options.file, 'has no Date column: is it a TeslaFi export ("Download TeslaFi Data")?');
  const out: TeslaFiImport = { snapshots: [], changes: [], problems: [], displayName: null };
  let lastState: string | null = null;
  let previousAt: number | null = null;
  for (const { line, fields } of rows) {
    const row = new Map(columns.map((c, i) => [c, valueOf(fields[i])]));
    const vin = row.get('vin');
    if (typeof vin === 'string' && vin !== options.vin)
      throw new TeslaFiFileError(
        options.file,
        `line ${line} is of the car ${vin.slice(0, 17)}, not ${options.vin}: import each car's files with its own --vin`,
      );
    const at = typeof row.get('Date') === 'string' ? zonedTimeToUtc(row.get('Date') as string, options.timeZone) : null;
    if (at === null) {
      out.problems.push({ line, message: `Date '${String(row.get('Date') ?? '').slice(0, 40)}' is not a date and time (YYYY-MM-DD HH:MM:SS)` });
      continue;
    }
    const name = row.get('display_name');
    if (name !== null && name !== undefined) out.displayName = String(name).slice(0, 100);
    const state = typeof row.get('state') === 'string' ? (row.get('state') as string) : null;
    const odometer = row.get('odometer');
    if (odometer !== null && odometer !== undefined && typeof odometer !== 'number') {
      out.problems.push({ line, message: `odometer '${String(odometer).slice(0, 40)}' is not a number` });
      continue;
    }
    const reading = typeof odometer === 'number' && state !== 'asleep' && state !== 'offline';
    const seen = reading ? 'online' : state;
    if (seen !== null && STATES.has(seen) && seen !== lastState) {
      // `since`: the row before, the last that saw the earlier state (TeslaFi polls every minute or so).
      out.changes.push({ vin: options.vin, at, state: seen as StateChange['state'], ...(previousAt !== null && previousAt < at ? { since: previousAt } : {}) });
      lastState = seen;
    }
    previousAt = at;
    if (!reading) continue;
    // TeslaFi flattens vehicle_data's sections into one row; each section is given the whole row, since the reader
    // takes each field from the section the Fleet API puts it in and the names do not collide.
    const section = Object.fromEntries([...row].filter(([k, v]) => v !== null && (options.includeLocation === true || !POSITION.has(k))));
    // 0,0 is where an export puts a position it does not have (or scrubbed), not a place the car was.
    if (section.latitude === 0 && section.longitude === 0) [section.latitude, section.longitude] = [null, null];
    out.snapshots.push(
      snapshotFromVehicleData(options.vin, { charge_state: section, drive_state: section, climate_state: section, vehicle_state: section }, at),
    );
  }
  return out;
}

/** A cell as TeslaFi writes it: empty and `None` are nothing, `True`/`False` booleans, numbers numbers. */
function valueOf(cell: string | undefined): string | number | boolean | null {
  const v = (cell ?? '').trim();
  if (v === '' || v === 'None') return null;
  if (v === 'True') return true;
  if (v === 'False') return false;
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}
