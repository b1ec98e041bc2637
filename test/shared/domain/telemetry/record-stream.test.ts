import { describe, expect, it } from '@jest/globals';
import { recordHistory } from '../../../../shared/domain/history/history-recorder';
import { recordStreamRecord, type StreamRecorderDeps } from '../../../../shared/domain/telemetry/record-stream';
import { MemoryHistoryStore } from '../../../support/memory-history-store';
import { MemoryStores, MemoryStreamStates } from '../../../support/memory-stores';

const VIN = '5YJ3E7EA3LF760000';
const T0 = Date.parse('2026-11-03T08:00:00Z');
const s = (seconds: number) => T0 + seconds * 1000;
const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

type Values = Record<string, unknown>;
/** A decoded record (protojson) as the receiver passes it on: only the fields that changed. */
const record = (at: number, values: Values, over: Record<string, unknown> = {}) => ({
  data: Object.entries(values).map(([key, value]) => ({ key, value: valueJson(key, value) })),
  createdAt: new Date(at).toISOString(),
  vin: VIN,
  isResend: false,
  ...over,
});
function valueJson(key: string, value: unknown): unknown {
  if (key === 'Gear') return { shiftStateValue: `ShiftState${String(value)}` };
  if (key === 'DetailedChargeState') return { detailedChargeStateValue: `DetailedChargeState${String(value)}` };
  if (key === 'Location') return { locationValue: value };
  if (typeof value === 'boolean') return { booleanValue: value };
  // Firmware sends most numbers as strings.
  return { stringValue: String(value) };
}

function world(options: { includeLocation?: boolean } = {}) {
  const stores = new MemoryStores();
  const history = new MemoryHistoryStore();
  const streamStates = new MemoryStreamStates();
  void stores.putVehicle({ vin: VIN, displayName: 'Car', state: 'online', lastSeenAt: T0, lastSnapshotAt: null, polling: {} as never });
  const deps: StreamRecorderDeps = {
    snapshots: stores,
    streamStates,
    vehicles: stores,
    history,
    includeLocation: options.includeLocation ?? true,
    fold: { edgeIntervalMs: { Gear: 1000, DetailedChargeState: 1000 } },
    log: silentLog,
  };
  return { stores, history, streamStates, deps, send: (body: unknown) => recordStreamRecord(deps, body) };
}

/**
 * A morning as the car streams it: it wakes parked, drives 5 minutes, stops one minute at a shop (in P), drives on 4
 * minutes and parks. Odometer is sent on each 0.1 mi (minimum_delta), speed every 10 s, position every 30 s.
 */
function morning(): Array<ReturnType<typeof record>> {
  const out = [record(s(0), { Gear: 'P', Odometer: 1000.0, VehicleSpeed: 0, RatedRange: 200, BatteryLevel: 80, DetailedChargeState: 'Disconnected' })];
  let odometer = 1000.0;
  const drive = (from: number, seconds: number, mph: number) => {
    out.push(record(s(from), { Gear: 'D' }));
    for (let t = 10; t <= seconds; t += 10) {
      const before = Math.floor(odometer * 10);
      odometer += (mph / 3600) * 10;
      const values: Values = { VehicleSpeed: mph };
      if (Math.floor(odometer * 10) > before) values.Odometer = Math.floor(odometer * 10) / 10;
      if (t % 30 === 0) values.Location = { latitude: 37.4 + t / 10_000, longitude: -121.9 };
      out.push(record(s(from + t), values));
    }
    out.push(record(s(from + seconds + 5), { Gear: 'P', VehicleSpeed: 0, RatedRange: 200 - (odometer - 1000) }));
  };
  drive(130, 300, 30);
  drive(130 + 305 + 60, 240, 36);
  // The last tenth of a mile, sent late while parked.
  out.push(record(s(1200), { Odometer: Math.round(odometer * 100) / 100 }));
  return out;
}

describe('history from the stream', () => {
  it('splits drives at a one-minute stop, with their times to the second and distances from the odometer', async () => {
    const { history, send } = world();
    for (const r of morning()) expect(await send(r)).toBe('recorded');
    const drives = [...history.drives.values()].sort((a, b) => a.start.at - b.start.at);
    expect(drives).toHaveLength(2);
    const [first, second] = drives;
    // Gear is sent within its 1-second interval of a change: each start and end is known within that second.
    expect([first!.start.at, first!.startedBy]).toEqual([s(129), s(130)]);
    expect([first!.endedAfter, first!.end.at]).toEqual([s(434), s(435)]);
    expect([second!.start.at, second!.startedBy]).toEqual([s(494), s(495)]);
    expect([second!.endedAfter, second!.end.at]).toEqual([s(739), s(740)]);
    // 2.5 and 2.4 miles driven; the odometer comes in tenths, so each is within one of them.
    expect(Math.abs(first!.distanceMi - 2.5)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(second!.distanceMi - 2.4)).toBeLessThanOrEqual(0.1);
    expect(first!.mayHideStops).toBe(false);
    expect(second!.mayHideStops).toBe(false);
  });

  it('claims no second-sharp start for the first record after a silence: the car may have set off before it reconnected', async () => {
    const { history, send } = world();
    await send(record(s(0), { Gear: 'P', Odometer: 1000, VehicleSpeed: 0 }));
    // Asleep for two hours; the first record after is already in D.
    await send(record(s(7200), { Gear: 'D', VehicleSpeed: 30, Odometer: 1000.3 }));
    await send(record(s(7400), { Gear: 'P', VehicleSpeed: 0, Odometer: 1002.5 }));
    const [drive] = [...history.drives.values()];
    expect(drive!.start.at).toBe(s(0));
    expect(drive!.startedBy).toBe(s(7200));
    // The end, after records all along the drive, is still known to the second.
    expect(drive!.endedAfter).toBe(s(7399));
  });

  it('does not take the odometer sent late in P for a drive: a car in P does not move', async () => {
    // Firmware without minimum_delta sends the odometer on its interval (a minute): the last 0.3 mi come after P.
    const { history, stores, send } = world();
    await send(record(s(0), { Gear: 'P', Odometer: 1000, VehicleSpeed: 0 }));
    await send(record(s(60), { Gear: 'D' }));
    await send(record(s(120), { VehicleSpeed: 40, Odometer: 1000.4 }));
    await send(record(s(180), { Gear: 'P', VehicleSpeed: 0 }));
    await send(record(s(200), { Odometer: 1000.7 }));
    await send(record(s(900), { Odometer: 1000.7, RatedRange: 150 }));
    expect([...history.drives.values()].map((d) => d.distanceMi)).toEqual([0.4]);
    // The next drive starts from where the car parked, so the late 0.3 mi are counted once, in it.
    await send(record(s(1000), { Gear: 'D' }));
    await send(record(s(1100), { VehicleSpeed: 30, Odometer: 1001.5 }));
    await send(record(s(1200), { Gear: 'P', VehicleSpeed: 0, Odometer: 1001.6 }));
    expect([...history.drives.values()].map((d) => d.distanceMi).sort()).toEqual([0.4, 1.2]);
    expect((await stores.latestSnapshot(VIN))?.odometerMi).toBe(1001.6);
  });

  it('takes an odometer far beyond a late report, in P, for a drive the stream missed (a receiver down), not for a late report', async () => {
    const { history, send } = world();
    await send(record(s(0), { Gear: 'P', Odometer: 1000, VehicleSpeed: 0 }));
    // The receiver was down while the car drove 12 miles and parked again: its gear changes never arrived.
    await send(record(s(7200), { Odometer: 1012, RatedRange: 190 }));
    const drives = [...history.drives.values()];
    expect(drives.map((d) => [d.distanceMi, d.mayHideStops])).toEqual([[12, true]]);
  });

  it('takes a reading polled during a receiver outage over the stale gear and speed the stream carried (fleet-telemetry #246)', async () => {
    const { history, stores, send } = world();
    await send(record(s(0), { Gear: 'P', Odometer: 1000, VehicleSpeed: 0, BatteryLevel: 80 }));
    await send(record(s(60), { Gear: 'D' }));
    await send(record(s(120), { VehicleSpeed: 30, Odometer: 1000.5 }));
    // The receiver goes down mid-drive: the car parks, and its change to P never arrives. The stream falls silent, so
    // the collector reads the car: parked, 10 miles on.
    const polled = { ...(await stores.latestSnapshot(VIN))!, takenAt: s(3600), shiftState: null, speedMph: null, odometerMi: 1010, source: undefined };
    delete polled.source;
    await stores.putSnapshot(polled);
    await recordHistory(history, polled);
    // Back up; the car, still parked, sends only what changed: its battery level, hours later.
    await send(record(s(36_000), { BatteryLevel: 78 }));
    const latest = await stores.latestSnapshot(VIN);
    expect([latest?.takenAt, latest?.shiftState ?? null, latest?.speedMph ?? null]).toEqual([s(36_000), null, null]);
    // One drive, ended by the polled reading; nothing begins at the battery's report.
    expect([...history.drives.values()].map((d) => [d.distanceMi, d.end.at])).toEqual([[10, s(3600)]]);
    expect(history.states.get(VIN)?.drive ?? null).toBeNull();
  });

  it('a charging session starts and ends within a second of the car’s charge state, with the energy it counted', async () => {
    const { history, send } = world();
    await send(record(s(0), { Gear: 'P', Odometer: 1000, RatedRange: 100, BatteryLevel: 40, DetailedChargeState: 'Disconnected' }));
    await send(record(s(60), { DetailedChargeState: 'Starting' }));
    await send(record(s(90), { DetailedChargeState: 'Charging', DCChargingEnergyIn: 0, ACChargingPower: 7.2, ChargerVoltage: 240 }));
    for (let m = 1; m <= 60; m++) await send(record(s(90 + m * 60), { DCChargingEnergyIn: (7 * m) / 60, RatedRange: 100 + m / 2, BatteryLevel: 40 + m / 6 }));
    await send(record(s(3700), { DetailedChargeState: 'Complete' }));
    await send(record(s(3800), { DetailedChargeState: 'Disconnected' }));
    const [session] = [...history.charges.values()];
    expect(history.charges.size).toBe(1);
    expect(session!.energyAddedKwh).toBeCloseTo(7, 2);
    expect(session!.start.at).toBeGreaterThanOrEqual(s(59));
    expect(session!.start.at).toBeLessThanOrEqual(s(90));
    expect(session!.end.at).toBeLessThanOrEqual(s(3700));
  });

  it('a record delivered twice, or a resend from the car, is recorded once', async () => {
    const once = world();
    const twice = world();
    for (const r of morning()) {
      await once.send(r);
      await twice.send(r);
      await twice.send({ ...r, isResend: true });
    }
    expect(twice.stores.snapshots.size).toBe(once.stores.snapshots.size);
    expect([...twice.history.drives.values()]).toEqual([...once.history.drives.values()]);
  });

  it('takes a record the car sent again after newer ones (its ack lost, past the queue’s deduplication) for the copy it is', async () => {
    const { stores, send } = world();
    const first = record(s(100), { Gear: 'P', Odometer: 1000 });
    await send(first);
    await send(record(s(200), { Odometer: 1000 }));
    expect(await send({ ...first, isResend: true })).toBe('duplicate');
    expect(stores.snapshots.size).toBe(2);
  });

  it('leaves out a record older than one recorded, and records of another car or unreadable ones, storing nothing', async () => {
    const { stores, send } = world();
    await send(record(s(100), { Gear: 'P', Odometer: 1000 }));
    const before = stores.snapshots.size;
    expect(await send(record(s(50), { Odometer: 999 }))).toBe('late');
    expect(await send(record(s(200), { Odometer: 1001 }, { vin: '5YJ3E7EA3LF769999' }))).toBe('unknown_vin');
    expect(await send(record(s(200), { Odometer: 1001 }, { createdAt: 'yesterday' }))).toBe('unreadable');
    expect(await send('not json')).toBe('unreadable');
    expect(stores.snapshots.size).toBe(before);
  });

  it('keeps no position, in the snapshot, the stored record or the car’s streamed state, with location off', async () => {
    const { stores, streamStates, send } = world({ includeLocation: false });
    for (const r of morning()) await send(r);
    expect([...stores.snapshots.values()].every((x) => x.location === null)).toBe(true);
    expect(JSON.stringify([...stores.raw.values()])).not.toMatch(/latitude|Location/);
    expect(Object.keys(streamStates.states.get(VIN)!.fields)).not.toContain('Location');
  });

  it('survives a process that dies after storing the readings and before saving the car’s state: the retry changes nothing', async () => {
    const clean = world();
    const crashy = world();
    const records = morning();
    let dieOnce = true;
    const put = crashy.streamStates.putStreamState.bind(crashy.streamStates);
    crashy.streamStates.putStreamState = (state) => {
      if (dieOnce && state.at === Date.parse(records[20]!.createdAt)) {
        dieOnce = false;
        return Promise.reject(new Error('killed'));
      }
      return put(state);
    };
    for (const r of records) {
      await clean.send(r);
      await crashy.send(r).catch(() => crashy.send(r));
    }
    expect(dieOnce).toBe(false);
    expect([...crashy.history.drives.values()]).toEqual([...clean.history.drives.values()]);
    expect(crashy.stores.snapshots.size).toBe(clean.stores.snapshots.size);
  });
});
