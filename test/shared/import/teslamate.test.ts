import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { deriveHistory } from '../../../shared/domain/history/history-machine';
import { rederiveHistory } from '../../../shared/domain/history/rederive';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import { importTeslaMate } from '../../../shared/import/import-teslamate';
import { ImportCoveredError, importHistory } from '../../../shared/import/import-history';
import { readTeslaMateFile, teslaMateHistory, TeslaMateFileError, utc } from '../../../shared/import/teslamate';
import { priced } from '../../../shared/http/charge-pricing';
import { MemoryHistoryStore } from '../../support/memory-history-store';
import { MemoryStores } from '../../support/memory-stores';

const VIN = '5YJ3E7EB0SF000001';
const DIR = join('test', 'fixtures', 'teslamate');
const TABLES = ['cars', 'drives', 'charging_processes', 'addresses', 'geofences'];
const files = (names = TABLES) => names.map((n) => readTeslaMateFile(readFileSync(join(DIR, `${n}.csv`), 'utf8'), `${n}.csv`));
const at = (iso: string) => Date.parse(iso);

describe('TeslaMate history (psql \\copy of its tables)', () => {
  it('knows each table by its columns, and refuses a file that is none of them', () => {
    expect(files().map((f) => f.table)).toEqual(TABLES);
    expect(() => readTeslaMateFile('Date,odometer\n2026-01-01 00:00,1\n', 'TeslaFi.csv')).toThrow(/TeslaFi\.csv is not one of TeslaMate's/);
  });

  it('needs the cars table to find the car, and refuses a VIN it does not hold', () => {
    expect(() => teslaMateHistory(files(['drives']), { vin: VIN })).toThrow(TeslaMateFileError);
    expect(() => teslaMateHistory(files(), { vin: '5YJSA1E26HF000003' })).toThrow(/no car 5YJSA1E26HF000003/);
  });

  it('reads the car’s drives and sessions as TeslaMate derived them: UTC times, km to miles, its consumption, its names', () => {
    const h = teslaMateHistory(files(), { vin: VIN, currency: 'EUR' });
    expect(h.displayName).toBe('Blue');
    // Car 2's drive is left out; the unfinished and the backwards ones are reported by file and line.
    expect(h.drives.map((d) => d.imported?.recordId)).toEqual(['101', '102']);
    expect(h.problems).toEqual([
      { file: 'drives.csv', line: 4, message: 'it has no end_date: TeslaMate never finished it' },
      { file: 'drives.csv', line: 6, message: "start_km 20190.0 and end_km 20180.0 are not an odometer's start and end" },
      { file: 'charging_processes.csv', line: 4, message: "charge_energy_added 'abc' is not kWh" },
    ]);
    const [first] = h.drives;
    expect(first).toMatchObject({
      id: String(at('2024-03-04T07:12:31.482Z')),
      startedBy: at('2024-03-04T07:12:31.482Z'),
      endedAfter: at('2024-03-04T07:41:05.113Z'),
      mayHideStops: false,
      imported: { source: 'teslamate', fromName: 'Home', toName: 'Office Park, Berlin' },
    });
    expect(first!.distanceMi).toBeCloseTo(31.8 / 1.609344, 6);
    expect(first!.start.odometerMi).toBeCloseTo(20117.4 / 1.609344, 6);
    // (391.72 − 370.81) km of rated range × 0.153 kWh/km = 3.199 kWh.
    expect(first!.estimatedEnergyKwh).toBeCloseTo(3.199, 3);
    expect(first!.whPerKm).toBe(Math.round(3199.2 / 31.8));
    expect(first!.maxSpeedMph).toBe(Math.round(118 / 1.609344));
    expect(h.charges).toHaveLength(2);
    expect(h.charges[0]).toMatchObject({
      start: { at: at('2024-03-04T22:00:03.000Z'), batteryLevel: 46 },
      end: { at: at('2024-03-05T01:55:42.900Z'), batteryLevel: 80 },
      energyAddedKwh: 28.41,
      kind: 'unknown',
      imported: { source: 'teslamate', recordId: '201', placeName: 'Home', cost: 4.55, currency: 'EUR' },
    });
    expect(h.charges[1]!.imported).toMatchObject({ placeName: 'Tesla Supercharger, Rodleben', cost: null, currency: null });
  });

  it('reads psql’s timestamps, with or without fractions or an offset', () => {
    expect(utc('2024-03-04 07:12:31')).toBe(at('2024-03-04T07:12:31Z'));
    expect(utc('2024-03-04 07:12:31.123456')).toBe(at('2024-03-04T07:12:31.123Z'));
    expect(utc('2024-03-04 08:12:31+01')).toBe(at('2024-03-04T07:12:31Z'));
    expect(utc('04/03/2024 07:12')).toBeNull();
  });

  it('keeps them as imported records: logged in time order, counted in their months, unchanged by a second import or by re-deriving', async () => {
    const stores = new MemoryStores();
    const history = new MemoryHistoryStore();
    const imported = teslaMateHistory(files(), { vin: VIN });
    const first = await importTeslaMate({ vehicles: stores, history }, VIN, imported);
    expect(first).toMatchObject({ drives: 2, charges: 2, overlapping: [], logged: 2, carAdded: true });
    expect(await stores.getVehicle(VIN)).toMatchObject({ displayName: 'Blue', state: 'unknown' });
    const log = history.log.filter((e) => e.kind === 'drive');
    expect(log.map((e) => (e.kind === 'drive' ? [e.startAt, e.imported] : null))).toEqual([
      [at('2024-03-04T07:12:31.482Z'), { source: 'teslamate', fromName: 'Home', toName: 'Office Park, Berlin' }],
      [at('2024-03-04T17:02:10Z'), { source: 'teslamate', fromName: 'Office Park, Berlin', toName: 'Home' }],
    ]);
    const march = history.months.get(`${VIN}#2024-03`);
    expect(march).toMatchObject({ drives: 2, chargingSessions: 2 });
    expect(march!.chargedKwh).toBeCloseTo(63.61, 2);

    const again = await importTeslaMate({ vehicles: stores, history }, VIN, imported);
    expect(again).toMatchObject({ drives: 2, charges: 2, logged: 0, carAdded: false });
    expect(history.log).toHaveLength(log.length);
    expect(history.drives.size).toBe(2);

    // Re-deriving the period (no readings there) leaves TeslaMate's records alone.
    await rederiveHistory({ snapshots: stores, history }, VIN, { fromMs: 0, toMs: at('2025-01-01T00:00:00Z') });
    expect(history.drives.size).toBe(2);
    expect(history.charges.size).toBe(2);
  });

  it('leaves out a record whose time one recorded here already covers, so nothing is counted twice', async () => {
    const stores = new MemoryStores();
    const history = new MemoryHistoryStore();
    // The collector saw a drive from 17:00 to 17:40 on 4 March 2024 (the time of TeslaMate's drive 102).
    const reading = (iso: string, odometer: number, shift: string) =>
      snapshotFromVehicleData(VIN, { vehicle_state: { odometer }, drive_state: { shift_state: shift, speed: shift === 'D' ? 40 : 0 } }, at(iso));
    const collected = deriveHistory(
      [reading('2024-03-04T16:59:00Z', 12500, 'P'), reading('2024-03-04T17:20:00Z', 12510, 'D'), reading('2024-03-04T17:40:00Z', 12520, 'P')],
      { packKwh: 75 },
    );
    await history.saveHistoryStep(VIN, collected);
    const result = await importTeslaMate({ vehicles: stores, history }, VIN, teslaMateHistory(files(), { vin: VIN }));
    expect(result.drives).toBe(1);
    expect(result.overlapping).toEqual([{ kind: 'drive', start: at('2024-03-04T17:02:10Z'), end: at('2024-03-04T17:35:47Z') }]);
  });

  it('a session’s cost TeslaMate kept is shown as imported, in the currency the import was told; a cost set here still wins', async () => {
    const [charge] = teslaMateHistory(files(), { vin: VIN, currency: 'EUR' }).charges;
    const ctx = { costs: new Map<string, number>(), pricePerKwh: 0.3, tesla: null, place: null, tariffCost: () => Promise.resolve(null) };
    expect(await priced(charge!, ctx)).toMatchObject({ cost: 4.55, costSource: 'imported', currency: 'EUR' });
    expect(await priced(charge!, { ...ctx, costs: new Map([[charge!.id, 5]]) })).toMatchObject({ cost: 5, costSource: 'set' });
  });

  it('a TeslaFi import into a period TeslaMate’s records cover is refused before anything is stored: one logger per period', async () => {
    const stores = new MemoryStores();
    const history = new MemoryHistoryStore();
    await importTeslaMate({ vehicles: stores, history }, VIN, teslaMateHistory(files(), { vin: VIN }));
    const reading = snapshotFromVehicleData(VIN, { vehicle_state: { odometer: 12500 } }, at('2024-03-04T12:00:00Z'));
    const batch = { snapshots: [reading], changes: [], displayName: null };
    const span = { from: at('2024-03-04T00:00:00Z'), until: at('2024-03-05T00:00:00Z') };
    await expect(importHistory({ vehicles: stores, snapshots: stores, history }, VIN, [batch], Date.now(), span)).rejects.toThrow(ImportCoveredError);
    expect((await stores.snapshotsBetween(VIN, { fromMs: 0, toMs: Date.now(), limit: 10 })).items).toHaveLength(0);
  });

  it('finds TeslaMate’s records however many derived ones come before them in the period', async () => {
    const stores = new MemoryStores();
    const history = new MemoryHistoryStore();
    await importTeslaMate({ vehicles: stores, history }, VIN, teslaMateHistory(files(), { vin: VIN }));
    // 1,200 derived drives a minute apart just before TeslaMate's first: more than one page of records.
    const [kept] = [...history.drives.values()];
    const derived = Array.from({ length: 1200 }, (_, i) => {
      const startAt = kept!.start.at - (1200 - i) * 60_000;
      return { ...kept!, id: String(startAt), start: { ...kept!.start, at: startAt }, end: { ...kept!.end, at: startAt + 30_000 }, imported: undefined };
    });
    await history.saveHistoryStep(VIN, { drives: derived, charges: [], versions: [], idles: [], state: history.states.get(VIN) ?? ({} as never) });
    // The period ends before TeslaMate's first session: only its first drive is there, after the 1,200.
    const reading = snapshotFromVehicleData(VIN, { vehicle_state: { odometer: 12500 } }, at('2024-03-04T07:50:00Z'));
    const span = { from: derived[0]!.start.at, until: at('2024-03-04T08:00:00Z') };
    await expect(
      importHistory({ vehicles: stores, snapshots: stores, history }, VIN, [{ snapshots: [reading], changes: [], displayName: null }], Date.now(), span),
    ).rejects.toThrow(ImportCoveredError);
  });
});
