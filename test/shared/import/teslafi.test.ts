import { describe, expect, it } from '@jest/globals';
import { deriveHistory } from '../../../shared/domain/history/history-machine';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import { importHistory, ImportOverlapError } from '../../../shared/import/import-history';
import { parseTeslaFi, TeslaFiFileError } from '../../../shared/import/teslafi';
import { zonedTimeToUtc } from '../../../shared/import/zoned-time';
import { MemoryHistoryStore } from '../../support/memory-history-store';
import { MemoryStores } from '../../support/memory-stores';

const VIN = '5YJ3E7EB0SF000042';
const HEADER =
  '\ufeffdata_id,Date,vin,display_name,state,odometer,shift_state,speed,battery_level,battery_range,charging_state,charge_energy_added,charger_power,car_version';
/** A summer morning in Berlin as TeslaFi writes it: parked, asleep, a state check, a drive, parked, charging. */
const DAY = [
  HEADER,
  `1,"2026-06-10 07:00:05",${VIN},Blue,online,1000.0,None,None,80,200.0,Disconnected,0.0,0,2026.20.1 abc`,
  `2,"2026-06-10 07:30:05",${VIN},Blue,asleep,,,,,,,,,`,
  `3,"2026-06-10 07:31:05",${VIN},Blue,asleep,,,,,,,,,`,
  `4,"2026-06-10 08:00:05",${VIN},Blue,online,,,,,,,,,`,
  `5,"2026-06-10 08:01:05",${VIN},Blue,online,1001.5,D,30,79,197.5,Disconnected,0.0,0,2026.20.1 abc`,
  `6,"2026-06-10 08:06:05",${VIN},Blue,online,1004.0,D,35,78,195.0,Disconnected,0.0,0,2026.20.1 abc`,
  `7,"2026-06-10 08:11:05",${VIN},Blue,online,1006.0,P,0,77,192.5,Disconnected,0.0,0,2026.20.1 abc`,
  `8,"10/06/2026 08:12",${VIN},Blue,online,1006.0,P,0,77,192.5,Disconnected,0.0,0,2026.20.1 abc`,
  `9,"2026-06-10 08:13:05",${VIN},Blue,online,lots,P,0,77,192.5,Disconnected,0.0,0,2026.20.1 abc`,
  `10,"2026-06-10 09:00:05",${VIN},Blue,online,1006.0,None,None,77,192.5,Charging,1.2,7,2026.20.1 abc`,
  `11,"2026-06-10 09:30:05",${VIN},Blue,online,1006.0,None,None,80,200.0,Charging,4.8,7,2026.20.1 abc`,
  `12,"2026-06-10 10:00:05",${VIN},Blue,online,1006.0,None,None,82,205.0,Complete,6.3,0,2026.20.1 abc`,
].join('\r\n');

const at = (iso: string) => Date.parse(iso);

describe('TeslaFi CSV exports', () => {
  it('reads each poll in the owner’s zone: readings, state changes (only when the state changes), and the rows it skips, by line', () => {
    const parsed = parseTeslaFi(DAY, { vin: VIN, timeZone: 'Europe/Berlin', file: 'TeslaFi62026.csv' });
    // Berlin is UTC+2 in June.
    expect(parsed.snapshots.map((s) => new Date(s.takenAt).toISOString())).toEqual([
      '2026-06-10T05:00:05.000Z',
      '2026-06-10T06:01:05.000Z',
      '2026-06-10T06:06:05.000Z',
      '2026-06-10T06:11:05.000Z',
      '2026-06-10T07:00:05.000Z',
      '2026-06-10T07:30:05.000Z',
      '2026-06-10T08:00:05.000Z',
    ]);
    expect(parsed.snapshots[1]).toMatchObject({ vin: VIN, odometerMi: 1001.5, shiftState: 'D', speedMph: 30, batteryLevel: 79, softwareVersion: '2026.20.1' });
    expect(parsed.snapshots[0]).toMatchObject({ shiftState: null, speedMph: null });
    expect(parsed.changes).toEqual([
      { vin: VIN, at: at('2026-06-10T05:00:05Z'), state: 'online' },
      // Each change says when the earlier state was last seen (the row before), bounding when the car woke.
      { vin: VIN, at: at('2026-06-10T05:30:05Z'), state: 'asleep', since: at('2026-06-10T05:00:05Z') },
      { vin: VIN, at: at('2026-06-10T06:00:05Z'), state: 'online', since: at('2026-06-10T05:31:05Z') },
    ]);
    expect(parsed.problems).toEqual([
      { line: 9, message: expect.stringContaining("Date '10/06/2026 08:12' is not a date and time") },
      { line: 10, message: "odometer 'lots' is not a number" },
    ]);
    expect(parsed.displayName).toBe('Blue');
  });

  it('keeps the car’s position only with location on, as the collector does; 0,0 is no position', () => {
    const withPosition = [
      `${HEADER},latitude,longitude`,
      `1,"2026-06-10 07:00:05",${VIN},Blue,online,1000.0,P,0,80,200.0,Disconnected,0.0,0,2026.20.1,52.52,13.405`,
      `2,"2026-06-10 07:05:05",${VIN},Blue,online,1000.0,P,0,80,200.0,Disconnected,0.0,0,2026.20.1,0.0,0.0`,
    ].join('\n');
    const off = parseTeslaFi(withPosition, { vin: VIN, timeZone: 'UTC', file: 'f' });
    const on = parseTeslaFi(withPosition, { vin: VIN, timeZone: 'UTC', file: 'f', includeLocation: true });
    expect(off.snapshots.map((s) => s.location)).toEqual([null, null]);
    expect(on.snapshots.map((s) => s.location)).toEqual([{ latitude: 52.52, longitude: 13.405 }, null]);
  });

  it('a file of another car is refused, naming the line and both cars, before anything is read from it', () => {
    expect(() => parseTeslaFi(DAY, { vin: '5YJ3E7EB0SF000001', timeZone: 'Europe/Berlin', file: 'x.csv' })).toThrow(TeslaFiFileError);
    expect(() => parseTeslaFi(DAY, { vin: '5YJ3E7EB0SF000001', timeZone: 'Europe/Berlin', file: 'x.csv' })).toThrow(
      /x\.csv: line 2 is of the car 5YJ3E7EB0SF000042, not 5YJ3E7EB0SF000001/,
    );
    expect(() => parseTeslaFi('a,b\n1,2', { vin: VIN, timeZone: 'UTC', file: 'y.csv' })).toThrow(/y\.csv: has no Date column/);
  });

  it('local times become instants across clock changes', () => {
    expect(zonedTimeToUtc('2016-06-26 07:58:31', 'America/Los_Angeles')).toBe(at('2016-06-26T14:58:31Z'));
    expect(zonedTimeToUtc('2026-01-15 12:00:00', 'Europe/Berlin')).toBe(at('2026-01-15T11:00:00Z'));
    // The hour the clocks repeat (Berlin, 27 Oct 2019, 02:00–03:00 twice): the first of the two.
    expect(zonedTimeToUtc('2019-10-27 02:30:00', 'Europe/Berlin')).toBe(at('2019-10-27T00:30:00Z'));
    // Just either side of the change in spring.
    expect(zonedTimeToUtc('2019-03-31 01:59:59', 'Europe/Berlin')).toBe(at('2019-03-31T00:59:59Z'));
    expect(zonedTimeToUtc('2019-03-31 03:00:00', 'Europe/Berlin')).toBe(at('2019-03-31T01:00:00Z'));
    expect(zonedTimeToUtc('2019-02-30 03:00:00', 'Europe/Berlin')).toBeNull();
  });

  it('imported readings give the drive and the charge the collector would have derived; a second import changes nothing', async () => {
    const stores = new MemoryStores();
    const history = new MemoryHistoryStore();
    const parsed = parseTeslaFi(DAY, { vin: VIN, timeZone: 'Europe/Berlin', file: 'f.csv' });
    const once = await importHistory({ vehicles: stores, snapshots: stores, history }, VIN, [parsed], at('2026-07-01T00:00:00Z'));
    expect(once).toMatchObject({ readings: 7, stateChanges: 3, drives: 1, charges: 1, carAdded: true });
    const [drive] = [...history.drives.values()];
    expect(drive).toMatchObject({
      distanceMi: 6,
      start: { at: at('2026-06-10T05:00:05Z') },
      startedBy: at('2026-06-10T06:01:05Z'),
      end: { at: at('2026-06-10T06:11:05Z') },
    });
    expect([...history.charges.values()][0]).toMatchObject({ energyAddedKwh: 6.3, start: { batteryLevel: 77 }, end: { batteryLevel: 82 } });
    expect(history.log.filter((e) => e.kind === 'drive')).toHaveLength(1);
    expect(await stores.getVehicle(VIN)).toMatchObject({ displayName: 'Blue', state: 'unknown' });

    const again = await importHistory({ vehicles: stores, snapshots: stores, history }, VIN, [parsed], at('2026-07-01T00:00:00Z'));
    expect(again).toMatchObject({ drives: 1, charges: 1, carAdded: false });
    expect(history.drives.size).toBe(1);
    expect(history.log).toHaveLength(1); // the drive is logged once
  });

  it('into a live table: only files older than the collector’s first reading; its records and state stay; marked as imported', async () => {
    const stores = new MemoryStores();
    const history = new MemoryHistoryStore();
    const parsed = parseTeslaFi(DAY, { vin: VIN, timeZone: 'Europe/Berlin', file: 'f.csv' });
    const until = at('2026-06-10T08:00:05Z');
    // The collector's first reading came the next day; its state and a drive of its own are there already.
    const collected = snapshotFromVehicleData(VIN, { vehicle_state: { odometer: 1100 }, drive_state: { shift_state: 'P' } }, at('2026-06-11T07:00:00Z'));
    await stores.putSnapshot(collected);
    const own = { ...parsedDrive(), id: String(at('2026-06-11T08:00:00Z')), start: { ...parsedDrive().start, at: at('2026-06-11T08:00:00Z') } };
    await history.saveHistoryStep(VIN, { drives: [own], charges: [], versions: [], idles: [], state: { marker: 'collector' } as never });

    const live = await importHistory({ vehicles: stores, snapshots: stores, history }, VIN, [parsed], at('2026-07-01T00:00:00Z'), {
      from: 0,
      until,
      live: true,
    });
    expect(live).toMatchObject({ readings: 7, drives: 1, charges: 1, carAdded: true });
    expect(history.states.get(VIN)).toEqual({ marker: 'collector' });
    const drives = [...history.drives.values()].sort((a, b) => a.start.at - b.start.at);
    expect(drives.map((d) => d.imported?.source ?? null)).toEqual(['teslafi', null]);
    expect(history.log.map((e) => (e.kind === 'drive' ? e.imported?.source : null))).toEqual(['teslafi']);
    // Again: its own readings are no overlap.
    await importHistory({ vehicles: stores, snapshots: stores, history }, VIN, [parsed], at('2026-07-01T00:00:00Z'), { from: 0, until, live: true });
    expect(history.drives.size).toBe(2);

    // A file that reaches the collector's readings is refused before anything is stored.
    const late = snapshotFromVehicleData(VIN, { vehicle_state: { odometer: 1200 } }, at('2026-06-12T07:00:00Z'));
    const before = (await stores.snapshotsBetween(VIN, { fromMs: 0, toMs: Date.now(), limit: 100 })).items.length;
    await expect(
      importHistory(
        { vehicles: stores, snapshots: stores, history },
        VIN,
        [{ snapshots: [late], changes: [], displayName: null }],
        at('2026-07-01T00:00:00Z'),
        { from: late.takenAt, until: late.takenAt, live: true },
      ),
    ).rejects.toThrow(ImportOverlapError);
    expect((await stores.snapshotsBetween(VIN, { fromMs: 0, toMs: Date.now(), limit: 100 })).items).toHaveLength(before);
  });
});

function parsedDrive() {
  return deriveHistory(parseTeslaFi(DAY, { vin: VIN, timeZone: 'Europe/Berlin', file: 'f.csv' }).snapshots, { packKwh: 75 }).drives[0]!;
}
