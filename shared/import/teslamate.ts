import type { ChargingSession, Drive } from '../domain/history/history-records';
import { csvRows } from './csv-rows';

/**
 * TeslaMate's history, from the CSV files `psql \copy <table> TO … WITH (FORMAT csv, HEADER)` writes of its tables:
 * `cars` (to find the car by its VIN), `drives`, `charging_processes`, and optionally `addresses` and `geofences`
 * (names for where drives began and ended and where sessions were). TeslaMate keeps no readings a derivation could
 * start from (its positions table is its own), so its drives and sessions are kept as TeslaMate derived them,
 * marked as imported. Its times are UTC (Ecto's utc_datetime, a `timestamp` without zone); its distances km.
 */
export type TeslaMateTable = 'cars' | 'drives' | 'charging_processes' | 'addresses' | 'geofences';

export interface TeslaMateFile {
  file: string;
  table: TeslaMateTable;
  rows: Array<{ line: number; row: ReadonlyMap<string, string | null> }>;
}

export interface TeslaMateHistory {
  drives: Drive[];
  charges: ChargingSession[];
  /** Rows skipped, each with why and where: nothing from them is kept. */
  problems: Array<{ file: string; line: number; message: string }>;
  displayName: string | null;
}

export class TeslaMateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TeslaMateFileError';
  }
}

const KM_PER_MI = 1.609344;

/** Which table a file is, by the columns only that table has. */
const SIGNATURES: ReadonlyArray<[TeslaMateTable, readonly string[]]> = [
  ['drives', ['start_date', 'end_date', 'start_km', 'end_km', 'car_id']],
  ['charging_processes', ['start_date', 'end_date', 'charge_energy_added', 'car_id']],
  ['cars', ['vin', 'efficiency']],
  ['geofences', ['name', 'latitude', 'longitude', 'radius']],
  ['addresses', ['display_name', 'latitude', 'longitude']],
];

/** Reads one exported table; a file that is none of them is refused by name, before anything is stored. */
export function readTeslaMateFile(text: string, file: string): TeslaMateFile {
  const rows = csvRows(text);
  const header = rows.next();
  if (header.done) throw new TeslaMateFileError(`${file} is empty`);
  const columns = header.value.fields.map((c) => c.trim());
  const table = SIGNATURES.find(([, needs]) => needs.every((c) => columns.includes(c)))?.[0];
  if (!table)
    throw new TeslaMateFileError(
      `${file} is not one of TeslaMate's cars, drives, charging_processes, addresses or geofences tables as \\copy … WITH (FORMAT csv, HEADER) writes them`,
    );
  const out: TeslaMateFile = { file, table, rows: [] };
  for (const { line, fields } of rows) out.rows.push({ line, row: new Map(columns.map((c, i) => [c, cellOf(fields[i])])) });
  return out;
}

/** psql writes NULL as an empty unquoted field, and an empty string as "" (read the same here: nothing). */
const cellOf = (cell: string | undefined): string | null => (cell === undefined || cell.trim() === '' ? null : cell.trim());

/**
 * The car's drives and charging sessions from the tables read. `vin` must be in the cars table: the drives and
 * sessions of the other cars in the same files are left out. `currency`: what TeslaMate's costs are in (it keeps one
 * currency for all), if the owner says.
 */
export function teslaMateHistory(files: readonly TeslaMateFile[], options: { vin: string; currency?: string | null }): TeslaMateHistory {
  const of = (table: TeslaMateTable) => files.filter((f) => f.table === table);
  if (of('cars').length === 0) throw new TeslaMateFileError('the cars table is needed to find the car by its VIN: \\copy cars too (see --help)');
  const car = of('cars')
    .flatMap((f) => f.rows)
    .find(({ row }) => row.get('vin') === options.vin)?.row;
  if (!car) throw new TeslaMateFileError(`the cars table has no car ${options.vin}: import each car with its own --vin`);
  const names = placeNames(of('addresses'), of('geofences'));
  const ctx = { vin: options.vin, carId: car.get('id'), efficiency: num(car.get('efficiency')), names, currency: options.currency ?? null };
  const out: TeslaMateHistory = { drives: [], charges: [], problems: [], displayName: car.get('name')?.slice(0, 100) ?? null };
  for (const f of of('drives')) collect(f, out, (row) => driveOf(row, ctx), out.drives);
  for (const f of of('charging_processes')) collect(f, out, (row) => chargeOf(row, ctx), out.charges);
  out.drives.sort((a, b) => a.start.at - b.start.at);
  out.charges.sort((a, b) => a.start.at - b.start.at);
  return out;
}

interface Context {
  vin: string;
  carId: string | null | undefined;
  efficiency: number | null;
  names: (addressId: string | null | undefined, geofenceId: string | null | undefined) => string | null;
  currency: string | null;
}

type Row = ReadonlyMap<string, string | null>;

/** Each row's record, or why it was skipped; rows of other cars are left out without a word. */
function collect<T>(file: TeslaMateFile, out: TeslaMateHistory, read: (row: Row) => T | string | null, into: T[]): void {
  for (const { line, row } of file.rows) {
    const record = read(row);
    if (typeof record === 'string') out.problems.push({ file: file.file, line, message: record });
    else if (record !== null) into.push(record);
  }
}

function driveOf(row: Row, ctx: Context): Drive | string | null {
  if (row.get('car_id') !== ctx.carId) return null;
  const times = span(row);
  if (typeof times === 'string') return times;
  const startKm = num(row.get('start_km'));
  const endKm = num(row.get('end_km'));
  if (startKm === null || endKm === null || endKm < startKm)
    return `start_km ${row.get('start_km')} and end_km ${row.get('end_km')} are not an odometer's start and end`;
  const distanceMi = (endKm - startKm) / KM_PER_MI;
  const ratedStart = num(row.get('start_rated_range_km'));
  const ratedEnd = num(row.get('end_rated_range_km'));
  // TeslaMate's own consumption: the rated range used times the car's rated efficiency (kWh/km), an estimate.
  const energy = ctx.efficiency !== null && ratedStart !== null && ratedEnd !== null ? round((ratedStart - ratedEnd) * ctx.efficiency, 3) : null;
  const efficient = energy !== null && energy > 0 && distanceMi >= 0.1;
  const speed = num(row.get('speed_max'));
  const point = (at: number, km: number, rated: number | null) => ({
    at,
    odometerMi: km / KM_PER_MI,
    batteryLevel: null,
    rangeMi: rated === null ? null : rated / KM_PER_MI,
    location: null,
  });
  return {
    vin: ctx.vin,
    id: String(times.start),
    start: point(times.start, startKm, ratedStart),
    startedBy: times.start,
    endedAfter: times.end,
    end: point(times.end, endKm, ratedEnd),
    distanceMi,
    durationMs: times.end - times.start,
    estimatedEnergyKwh: energy,
    ...(energy !== null ? { energyEstimate: 'imported' as const } : {}),
    whPerMi: efficient ? Math.round((energy * 1000) / distanceMi) : null,
    whPerKm: efficient ? Math.round((energy * 1000) / (distanceMi * KM_PER_MI)) : null,
    maxSpeedMph: speed === null ? null : Math.round(speed / KM_PER_MI),
    readings: 0,
    mayHideStops: false,
    imported: {
      source: 'teslamate',
      recordId: row.get('id') ?? undefined,
      fromName: ctx.names(row.get('start_address_id'), row.get('start_geofence_id')),
      toName: ctx.names(row.get('end_address_id'), row.get('end_geofence_id')),
    },
  };
}

function chargeOf(row: Row, ctx: Context): ChargingSession | string | null {
  if (row.get('car_id') !== ctx.carId) return null;
  const times = span(row);
  if (typeof times === 'string') return times;
  const energy = num(row.get('charge_energy_added'));
  if (row.get('charge_energy_added') != null && (energy === null || energy < 0)) return `charge_energy_added '${row.get('charge_energy_added')}' is not kWh`;
  const cost = num(row.get('cost'));
  const level = (column: string) => {
    const v = num(row.get(column));
    return v !== null && v >= 0 && v <= 100 ? v : null;
  };
  return {
    vin: ctx.vin,
    id: String(times.start),
    startedAfter: times.start,
    start: { at: times.start, batteryLevel: level('start_battery_level') },
    lastChargingAt: times.end,
    endBy: times.end,
    end: { at: times.end, batteryLevel: level('end_battery_level') },
    energyAddedKwh: energy,
    ...energyUsedOf(row, energy),
    peakPowerKw: null,
    // TeslaMate keeps AC or DC per reading (its charges table), not per session.
    kind: 'unknown',
    location: null,
    durationMs: times.end - times.start,
    readings: 0,
    imported: {
      source: 'teslamate',
      recordId: row.get('id') ?? undefined,
      placeName: ctx.names(row.get('address_id'), row.get('geofence_id')),
      cost,
      currency: cost === null ? null : ctx.currency,
    },
  };
}

/** TeslaMate's own `charge_energy_used` (from the charger's draw), when it kept one that is not below what was added. */
function energyUsedOf(row: Row, added: number | null): { energyUsedKwh?: number } {
  const used = num(row.get('charge_energy_used'));
  return used !== null && added !== null && used >= added && used <= added * 2 ? { energyUsedKwh: used } : {};
}

/** A record's start and end; one TeslaMate never finished (no end_date) is not a record yet. */
function span(row: Row): { start: number; end: number } | string {
  const start = utc(row.get('start_date'));
  if (start === null) return `start_date '${(row.get('start_date') ?? '').slice(0, 40)}' is not a date and time`;
  if (row.get('end_date') == null) return 'it has no end_date: TeslaMate never finished it';
  const end = utc(row.get('end_date'));
  if (end === null || end < start) return `end_date '${(row.get('end_date') ?? '').slice(0, 40)}' is not a date and time after its start`;
  return { start, end };
}

/** `2019-09-20 10:18:11[.123456][+00]`: UTC unless an offset says otherwise. Milliseconds kept, finer dropped. */
export function utc(text: string | null | undefined): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text ?? '');
  if (!m) return null;
  const fraction = m[3] ? m[3].slice(0, 4).padEnd(4, '0') : '';
  const zone = !m[4] || m[4] === 'Z' ? 'Z' : m[4].length === 3 ? `${m[4]}:00` : m[4].includes(':') ? m[4] : `${m[4].slice(0, 3)}:${m[4].slice(3)}`;
  const ms = Date.parse(`${m[1]}T${m[2]}${fraction}${zone}`);
  return Number.isNaN(ms) ? null : ms;
}

/** The owner's geofence name where there is one, else the address's short name. */
function placeNames(addresses: readonly TeslaMateFile[], geofences: readonly TeslaMateFile[]) {
  const byId = (files: readonly TeslaMateFile[], name: (row: Row) => string | null) =>
    new Map(files.flatMap((f) => f.rows.map(({ row }) => [row.get('id') ?? '', name(row)] as const)));
  const fences = byId(geofences, (row) => row.get('name') ?? null);
  const places = byId(addresses, (row) => {
    const street = [row.get('road'), row.get('house_number')].filter(Boolean).join(' ');
    const short = [row.get('name') ?? (street || null), row.get('city')].filter(Boolean).join(', ');
    return short || (row.get('display_name') ?? null);
  });
  return (addressId: string | null | undefined, geofenceId: string | null | undefined): string | null =>
    ((geofenceId ? fences.get(geofenceId) : null) ?? (addressId ? places.get(addressId) : null) ?? null)?.slice(0, 120) ?? null;
}

function num(text: string | null | undefined): number | null {
  if (text == null || !/^-?\d+(\.\d+)?$/.test(text)) return null;
  return Number(text);
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;
