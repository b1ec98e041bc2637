import { describe, expect, it } from '@jest/globals';
import { defaultPackKwh, deriveHistory, EMPTY_HISTORY, foldSnapshot, foldStateChange } from '../../../shared/domain/history/history-machine';
import { snapshotFromVehicleData, type Snapshot } from '../../../shared/domain/snapshot';
import { teslaFixtureJson } from '../../support/fixtures';

const VIN = '5YJ3E7EB0SF000001';
const T0 = Date.parse('2026-06-15T07:00:00Z');
const MIN = 60_000;
const OPTIONS = { packKwh: 75 };

interface Reading {
  min: number;
  odo: number;
  soc?: number;
  /** Rated range (mi); default 3 mi a percent. */
  range?: number;
  /** Outside temperature (°C). */
  temp?: number;
  gear?: 'P' | 'D' | null;
  speed?: number;
  charging?: string;
  added?: number;
  power?: number;
  /** The charger's voltage, current and phases, as the car reports them. */
  volts?: number;
  amps?: number;
  phases?: number;
  fast?: boolean;
  version?: string;
  at?: { latitude: number; longitude: number };
}

/** A snapshot as the collector would store it, from the fields a scenario cares about. */
function snap(r: Reading): Snapshot {
  return snapshotFromVehicleData(
    VIN,
    {
      vehicle_state: { odometer: r.odo, timestamp: T0 + r.min * MIN, car_version: r.version ?? '2026.20.1 abc' },
      charge_state: {
        battery_level: r.soc ?? 80,
        usable_battery_level: r.soc ?? 80,
        battery_range: r.range ?? (r.soc ?? 80) * 3,
        charging_state: r.charging ?? 'Disconnected',
        charge_energy_added: r.added ?? 0,
        charger_power: r.power ?? 0,
        fast_charger_present: r.fast ?? false,
        ...(r.volts === undefined ? {} : { charger_voltage: r.volts, charger_actual_current: r.amps, charger_phases: r.phases ?? 1 }),
      },
      drive_state: { shift_state: r.gear === undefined ? 'P' : r.gear, speed: r.speed ?? null, ...(r.at ? r.at : {}) },
      ...(r.temp === undefined ? {} : { climate_state: { outside_temp: r.temp } }),
    },
    0,
  );
}

const run = (readings: Reading[]) => deriveHistory(readings.map(snap), OPTIONS);
const round2 = (n: number) => Math.round(n * 100) / 100;

describe('drives from sparse readings', () => {
  it('a commute read every 5 minutes: one drive, bounds as precise as the readings allow, energy and efficiency', () => {
    const { drives } = run([
      { min: 0, odo: 1000, soc: 80 },
      { min: 30, odo: 1001.5, soc: 79, gear: 'D', speed: 35 },
      { min: 35, odo: 1004, soc: 78, gear: 'D', speed: 60 },
      { min: 40, odo: 1006, soc: 77, gear: 'D', speed: 40 },
      { min: 45, odo: 1007.5, soc: 76, gear: 'P' },
    ]);
    expect(drives).toHaveLength(1);
    expect(drives[0]).toMatchObject({
      id: String(T0),
      start: { at: T0, odometerMi: 1000, batteryLevel: 80 },
      startedBy: T0 + 30 * MIN,
      endedAfter: T0 + 40 * MIN,
      end: { at: T0 + 45 * MIN, odometerMi: 1007.5, batteryLevel: 76 },
      distanceMi: 7.5,
      // 4 % of 75 kWh, less what the car drew standing awake before it set off (15 minutes at most) and after it
      // parked: 0.2 kW for 17.75 minutes
      estimatedEnergyKwh: 2.94,
      whPerMi: 392,
      whPerKm: 244,
      maxSpeedMph: 60,
      readings: 3,
      mayHideStops: false,
    });
  });

  it('estimates energy from the rated range, which moves in hundredths of a mile where the level moves in whole percent', () => {
    // 1.1 miles: the level still reads 80 %, the range fell 1.32 mi (300 mi full, so 75 kWh ÷ 300 mi = 250 Wh a rated
    // mile), 0.33 kWh, of which 0.01 kWh the car drew standing awake (3.4 minutes the odometer does not account for).
    const [short] = run([
      { min: 0, odo: 1000, soc: 80, range: 240 },
      { min: 3, odo: 1000.6, soc: 80, range: 239.3, gear: 'D', speed: 25 },
      { min: 6, odo: 1001.1, soc: 80, range: 238.68 },
    ]).drives;
    expect(short).toMatchObject({ estimatedEnergyKwh: 0.32, energyEstimate: 'rated_range_pack', whPerMi: 291 });
    // Without a range, whole percent it is, and says so.
    const noRange = deriveHistory(
      [
        { min: 0, odo: 1000, soc: 80 },
        { min: 30, odo: 1004, soc: 78 },
      ].map((r) => {
        const s = snap(r);
        return { ...s, rangeMi: null };
      }),
      OPTIONS,
    ).drives[0]!;
    expect(noRange).toMatchObject({ estimatedEnergyKwh: 1.5, energyEstimate: 'battery_level' });
  });

  it('minutes standing awake at a drive’s edges are not its energy: a short errand read 5 minutes either side', () => {
    // 250 Wh a rated mile. Read parked at 0; it set off at 4 and drove 3 miles at 30 mph (a rated mile a mile: 0.75
    // kWh), parked at 10, read at 15. The car drew 0.2 kW the 9 minutes it stood: 0.03 kWh, 0.12 rated miles.
    const { drives } = run([
      { min: 0, odo: 1000, soc: 80, range: 240 },
      { min: 5, odo: 1000.5, soc: 80, range: 239.47, gear: 'D', speed: 30 },
      { min: 15, odo: 1003, soc: 79, range: 236.88 },
    ]);
    expect(drives[0]!.estimatedEnergyKwh).toBeCloseTo(0.75, 2); // not 0.78, the standing counted as driving
  });

  it('a drive no reading saw moving: the time its miles leave at a town pace is taken as standing', () => {
    // Read parked at 0 and 21; between them it drove 3.3 miles at 22 mph (9 minutes, 0.825 kWh at 250 Wh a mile) and
    // stood 12 minutes awake (0.04 kWh): 3.46 rated miles lost in all.
    const { drives } = run([
      { min: 0, odo: 1000, soc: 80, range: 240 },
      { min: 21, odo: 1003.3, soc: 79, range: 236.54 },
    ]);
    expect(Math.abs(drives[0]!.estimatedEnergyKwh! - 0.825) / 0.825).toBeLessThan(0.02); // not 0.865
  });

  it('a drive after minutes of preconditioning: the standing’s draw is not the drive’s energy', () => {
    // At 3 rated miles a percent (250 Wh a rated mile). Parked at 07:00; the cabin heated from 07:00 to 07:15 (0.8 kWh,
    // 3.2 rated miles); it drove from 07:15 at 30 mph, a rated mile a mile: 12.5 mi, 3.125 kWh.
    const { drives } = run([
      { min: 0, odo: 1000, soc: 80, range: 240 },
      { min: 25, odo: 1005, soc: 77, range: 231.8, gear: 'D', speed: 30 },
      { min: 35, odo: 1010, soc: 76, range: 226.8, gear: 'D', speed: 30 },
      { min: 40, odo: 1012.5, soc: 75, range: 224.3 },
    ]);
    expect(drives[0]!.distanceMi).toBe(12.5);
    expect(Math.abs(drives[0]!.estimatedEnergyKwh! - 3.125) / 3.125).toBeLessThan(0.03); // not 3.9, the heating included
  });

  it('a drive from a charger last read mid-session: its energy comes from the first moving reading on, or is not given', () => {
    // Read charging at 40 % (120 rated mi); it charged on to 60 % before it set off, unseen. At 3 rated miles a
    // percent (250 Wh a rated mile) and a rated mile a mile, 48 mi took 12 kWh.
    const { drives } = run([
      { min: 0, odo: 1000, soc: 40, range: 120, charging: 'Charging', added: 10, power: 150, fast: true },
      { min: 25, odo: 1003, soc: 59, range: 177, gear: 'D', speed: 60 },
      { min: 37, odo: 1015, soc: 55, range: 165, gear: 'D', speed: 60 },
      { min: 73, odo: 1048, soc: 44, range: 132 },
    ]);
    expect(drives[0]!.distanceMi).toBe(48);
    expect(drives[0]!.estimatedEnergyKwh).toBeCloseTo(12, 1); // not 0 (120 → 132 rated mi, a gain), nor the charge counted
    // Seen moving only at its end: no stretch to measure from, so no figure rather than a wrong one.
    const short = run([
      { min: 0, odo: 1000, soc: 40, range: 120, charging: 'Charging', added: 10, power: 150, fast: true },
      { min: 25, odo: 1010, soc: 56, range: 168, gear: 'D', speed: 60 },
      { min: 30, odo: 1011, soc: 56, range: 167 },
    ]).drives[0]!;
    expect(short.estimatedEnergyKwh).toBeNull();
    // Read parked, then charged unseen (a quarter-hour top-up between two reads) and read moving as it set off: its
    // range rose, so the drive counts from the first moving reading. 6 miles took 6 rated miles, 1.5 kWh.
    const toppedUp = run([
      { min: 0, odo: 1000, soc: 75, range: 225 },
      { min: 30, odo: 1000.2, soc: 80, range: 239.8, gear: 'D', speed: 30, added: 3.8 },
      { min: 40, odo: 1005.2, soc: 78, range: 234.8, gear: 'D', speed: 30, added: 3.8 },
      { min: 50, odo: 1006.2, soc: 78, range: 233.8, added: 3.8 },
    ]);
    const topped = toppedUp.drives[0]!;
    expect(topped.estimatedEnergyKwh).toBeCloseTo(1.5, 1); // not null (225 → 233.8 is a gain)
    // And the top-up itself is a session, between the parked reading and the first moving one, with the car's count.
    expect(toppedUp.charges).toEqual([
      expect.objectContaining({ startedAfter: T0, endBy: T0 + 30 * MIN, energyAddedKwh: 3.8, start: expect.objectContaining({ batteryLevel: 75 }) }),
    ]);
  });

  it('a drive first seen parked at a Supercharger, already charging: its energy leaves out what the charger added since', () => {
    // 3 rated miles a percent at 250 Wh/mi (75 kWh). It drove 60 rated miles (15 kWh) down to 40 %; by the first parked
    // reading the charger had added 9 kWh (12 points, 36 rated miles).
    const { drives } = run([
      { min: 0, odo: 1000, soc: 60, range: 180 },
      { min: 30, odo: 1030, soc: 50, range: 150, gear: 'D', speed: 65 },
      { min: 70, odo: 1060, soc: 52, range: 156, charging: 'Charging', added: 9, power: 150, fast: true },
    ]);
    expect(drives[0]).toMatchObject({ distanceMi: 60, energyEstimate: 'rated_range_pack' });
    expect(drives[0]!.estimatedEnergyKwh).toBeCloseTo(15, 1); // not 6 kWh, as the charged reading alone would say
    expect(drives[0]!.end.batteryLevel).toBe(52); // the reading itself is kept as it was
  });

  it('a session’s energy drawn from the charger: its count × what it drew over what it added between charging readings', () => {
    // 240 V × 16 A = 3.84 kW drawn; the count rises 3.4 kWh an hour: 88.5 % reached the battery.
    const ac = (min: number, added: number, charging = 'Charging') => ({ min, odo: 1000, soc: 50, charging, added, power: 4, volts: 240, amps: 16 });
    const [session] = run([{ min: 0, odo: 1000, soc: 50 }, ac(10, 0.3), ac(40, 2.0), ac(100, 5.4), ac(130, 6.2, 'Complete')]).charges;
    expect(session!.energyAddedKwh).toBe(6.2);
    expect(session!.energyUsedKwh).toBeCloseTo(round2(6.2 / (5.1 / (3.84 * 1.5))), 1);
    // Read charging only once, nothing says what it drew: no figure rather than a guess.
    const [once] = run([{ min: 0, odo: 1000, soc: 50 }, ac(10, 0.3), ac(130, 6.2, 'Complete')]).charges;
    expect(once!.energyUsedKwh).toBeUndefined();
    // A count that rose more than the charger gave: readings not to be trusted, no figure.
    const [odd] = run([{ min: 0, odo: 1000, soc: 50 }, ac(10, 0.3), ac(40, 4.0), ac(130, 6.2, 'Complete')]).charges;
    expect(odd!.energyUsedKwh).toBeUndefined();
  });

  it('once a charging session has shown the car’s rated consumption, drives use it (not an assumed pack size)', () => {
    // 10.5 kWh counted in for 36 rated miles gained: 292 Wh a rated mile (a real car’s figure, not the 250 the pack gives).
    const { charges, drives } = run([
      { min: 0, odo: 1000, soc: 50, range: 150 },
      { min: 10, odo: 1000, soc: 51, range: 153, charging: 'Charging', added: 0.9, power: 7 },
      { min: 90, odo: 1000, soc: 62, range: 186, charging: 'Charging', added: 10.5, power: 7 },
      { min: 100, odo: 1000, soc: 63, range: 189, charging: 'Complete', added: 11.4 },
      { min: 200, odo: 1004, soc: 62, range: 185.4, gear: 'D', speed: 30 },
      { min: 205, odo: 1006, soc: 61, range: 183 },
    ]);
    expect(charges[0]!.ratedWhPerMi).toBe(Math.round((10.5 * 1000) / 36));
    expect(drives[0]).toMatchObject({ energyEstimate: 'rated_range_charging', estimatedEnergyKwh: round2((6 * 292) / 1000) });
  });

  it('keeps the outside temperature the moving readings reported, as their mean (for efficiency against temperature)', () => {
    const [drive] = run([
      { min: 0, odo: 1000, temp: 20 },
      { min: 5, odo: 1002, gear: 'D', speed: 30, temp: -2 },
      { min: 10, odo: 1004, gear: 'D', speed: 30, temp: -3 },
      { min: 15, odo: 1006, temp: 5 },
    ]).drives;
    expect(drive!.outsideTempC).toBe(-2.5);
    expect(
      run([
        { min: 0, odo: 1000 },
        { min: 5, odo: 1002, gear: 'D', speed: 30 },
        { min: 10, odo: 1004 },
      ]).drives[0]!.outsideTempC,
    ).toBeUndefined();
  });

  it('parked, then parked further on, with no reading in between: the drive is recorded and marked as possibly hiding stops', () => {
    const { drives } = run([
      { min: 0, odo: 500, soc: 70 },
      { min: 90, odo: 512.25, soc: 67 },
    ]);
    expect(drives).toEqual([expect.objectContaining({ distanceMi: 12.25, readings: 0, mayHideStops: true, startedBy: T0 + 90 * MIN, endedAfter: T0 })]);
  });

  it('a drive no reading saw moving, within a quiet window of 21 minutes, is taken as one drive', () => {
    // The car stood, set off, and parked again between two reads: most likely a single hop. Its bounds say when.
    const { drives } = run([
      { min: 0, odo: 500, soc: 70 },
      { min: 21, odo: 503.5, soc: 69 },
    ]);
    expect(drives).toEqual([expect.objectContaining({ distanceMi: 3.5, readings: 0, mayHideStops: false, startedBy: T0 + 21 * MIN, endedAfter: T0 })]);
  });

  it('two readings apart in one drive may hide a stop; a parked car that did not move makes no drive', () => {
    const { drives } = run([
      { min: 0, odo: 100 },
      { min: 5, odo: 102, gear: 'D', speed: 30 },
      { min: 25, odo: 110, gear: 'D', speed: 30 },
      { min: 30, odo: 112 },
      { min: 60, odo: 112.05 },
      { min: 120, odo: 112.05 },
    ]);
    expect(drives).toHaveLength(1);
    expect(drives[0]).toMatchObject({ distanceMi: 12, mayHideStops: true });
  });

  // Whether a drive may hide a stop, judged by its odometer against the speeds its readings saw.
  const D = 'D' as const;
  it.each<[string, Reading[], boolean]>([
    [
      // 5 minutes at 22 mph is 1.8 miles; it covered 0.4: it stood still for about 4 of them.
      'a stop between two moving readings shows in the odometer',
      [
        { min: 0, odo: 1000 },
        { min: 5, odo: 1001.5, gear: D, speed: 22 },
        { min: 10, odo: 1001.9, gear: D, speed: 22 },
        { min: 15, odo: 1003.7, gear: D, speed: 22 },
        { min: 20, odo: 1004 },
      ],
      true,
    ],
    // The bench's errand: 2 minutes of driving at 22 mph, then a 3-minute stop. The odometer's sixth decimal puts the
    // unaccounted time a hair under 3 minutes; a reading's time is known only to a few seconds, so that is 3.
    [
      'a 3-minute stop whose odometer rounds a hair short',
      [
        { min: 0, odo: 20060.75 },
        { min: 5, odo: 20060.75, gear: D, speed: 22 },
        { min: 10, odo: 20062.583333, gear: D, speed: 22 },
        { min: 15, odo: 20063.316667, gear: D, speed: 22 },
        { min: 20, odo: 20065.15, gear: D, speed: 22 },
        { min: 25, odo: 20065.516667 },
      ],
      true,
    ],
    // A read lost to a weak signal was asked again a minute later: 6 minutes, 3 of them stopped, half the ground.
    [
      'a 3-minute stop in the 6 minutes around a lost read',
      [
        { min: 0, odo: 20193.4 },
        { min: 5, odo: 20193.766667, gear: D, speed: 22 },
        { min: 10, odo: 20195.6, gear: D, speed: 22 },
        { min: 16, odo: 20196.7, gear: D, speed: 22 },
        { min: 21, odo: 20198.166667 },
      ],
      true,
    ],
    [
      'a steady pace, then crawling in traffic, hides nothing',
      [
        { min: 0, odo: 1000 },
        { min: 5, odo: 1001.5, gear: D, speed: 22 },
        { min: 10, odo: 1003.3, gear: D, speed: 22 },
        { min: 15, odo: 1003.5, gear: D, speed: 3 },
        { min: 20, odo: 1004 },
      ],
      false,
    ],
    [
      'a highway drive read every 12 minutes at a steady 68 mph hides nothing',
      [
        { min: 0, odo: 1000 },
        { min: 5, odo: 1003, gear: D, speed: 68 },
        { min: 17, odo: 1016.6, gear: D, speed: 68 },
        { min: 29, odo: 1030.2, gear: D, speed: 66 },
        { min: 41, odo: 1035 },
      ],
      false,
    ],
    // Read parked, then moving 5 minutes later having covered a third of what its speed says: it set off late. The
    // collector reads a car just parked again a driving interval later, so this is how most drives begin.
    [
      'a late start after a reading that saw it parked',
      [
        { min: 0, odo: 1000 },
        { min: 5, odo: 1000.7, gear: D, speed: 25 },
        { min: 10, odo: 1002.8, gear: D, speed: 25 },
        { min: 15, odo: 1003.5 },
      ],
      false,
    ],
    // Left to sleep for 21 minutes and more, it set off and is moving when read 40 minutes on, having covered a
    // third of what 40 minutes at its speed would: time for an errand and its stop.
    [
      'an errand and a stop in a long stretch no reading saw',
      [
        { min: 0, odo: 1000 },
        { min: 40, odo: 1005.5, gear: D, speed: 25 },
        { min: 45, odo: 1007.6 },
      ],
      true,
    ],
    [
      'a commute read the same way covered nearly all of it',
      [
        { min: 0, odo: 1000 },
        { min: 40, odo: 1020.1, gear: D, speed: 32 },
        { min: 45, odo: 1022.8, gear: D, speed: 32 },
        { min: 50, odo: 1024 },
      ],
      false,
    ],
    [
      'a drive read moving, then found parked 40 minutes later, may have stopped on the way',
      [
        { min: 0, odo: 1000 },
        { min: 5, odo: 1001.5, gear: D, speed: 25 },
        { min: 45, odo: 1006 },
      ],
      true,
    ],
    [
      'parked again 20 minutes after the last moving reading: it parked early',
      [
        { min: 0, odo: 1000 },
        { min: 5, odo: 1001.5, gear: D, speed: 25 },
        { min: 25, odo: 1003 },
      ],
      false,
    ],
    // Plugged in until it set off: a late start after the charger is no sign of a stop.
    [
      'a late start from a charger, charging',
      [
        { min: 0, odo: 1000, charging: 'Charging', added: 20, power: 150, fast: true },
        { min: 21, odo: 1003.75, gear: D, speed: 65 },
        { min: 33, odo: 1016.75, gear: D, speed: 65 },
        { min: 45, odo: 1020 },
      ],
      false,
    ],
    [
      'a late start from a charger, full',
      [
        { min: 0, odo: 1000, charging: 'Complete', added: 20 },
        { min: 21, odo: 1003.75, gear: D, speed: 65 },
        { min: 33, odo: 1016.75, gear: D, speed: 65 },
        { min: 45, odo: 1020 },
      ],
      false,
    ],
  ])('may hide a stop? %s', (_says, readings, hides) => {
    const { drives } = run(readings);
    expect(drives).toHaveLength(1);
    expect(drives[0]!.mayHideStops).toBe(hides);
  });

  it('feeding the same readings again, or out of order, changes nothing (the collector may retry)', () => {
    const readings = [
      { min: 0, odo: 1000 },
      { min: 5, odo: 1002, gear: 'D' as const, speed: 30 },
      { min: 10, odo: 1003 },
    ];
    let state = EMPTY_HISTORY;
    const drives = [];
    for (const r of [...readings, readings[1]!, readings[0]!]) {
      const step = foldSnapshot(state, snap(r), OPTIONS);
      state = step.state;
      drives.push(...step.drives);
    }
    expect(drives).toEqual(run(readings).drives);
    expect(drives).toHaveLength(1);
  });

  it('ignores a reading without an odometer', () => {
    const broken = { ...snap({ min: 5, odo: 0 }), odometerMi: null };
    const step = foldSnapshot(foldSnapshot(EMPTY_HISTORY, snap({ min: 0, odo: 10 }), OPTIONS).state, broken, OPTIONS);
    expect(step.state.last?.odometerMi).toBe(10);
  });
});

describe('charging sessions', () => {
  it('a home AC session read every 20 minutes: kWh from the car’s own counter, peak power, SoC bounds', () => {
    const { charges } = run([
      { min: 0, odo: 10, soc: 40 },
      { min: 20, odo: 10, soc: 45, charging: 'Charging', added: 3.5, power: 11 },
      { min: 40, odo: 10, soc: 55, charging: 'Charging', added: 11, power: 11 },
      { min: 60, odo: 10, soc: 62, charging: 'Charging', added: 16.2, power: 7 },
      { min: 80, odo: 10, soc: 64, charging: 'Complete', added: 17.7 },
    ]);
    expect(charges).toEqual([
      expect.objectContaining({
        startedAfter: T0,
        // First seen 3.5 kWh in: it began at the level of the reading before (parked there since), not at 45 %.
        start: { at: T0 + 20 * MIN, batteryLevel: 40 },
        lastChargingAt: T0 + 60 * MIN,
        endBy: T0 + 80 * MIN,
        end: { at: T0 + 80 * MIN, batteryLevel: 64 },
        energyAddedKwh: 17.7,
        peakPowerKw: 11,
        kind: 'ac',
        readings: 3,
      }),
    ]);
  });

  it('a Supercharger stop on a road trip: drive, DC session, drive', () => {
    const { drives, charges } = run([
      { min: 0, odo: 0, soc: 90 },
      { min: 5, odo: 5, soc: 88, gear: 'D', speed: 70 },
      { min: 120, odo: 140, soc: 30, gear: 'D', speed: 70 },
      { min: 125, odo: 145, soc: 28, charging: 'Charging', added: 5, power: 150, fast: true },
      { min: 145, odo: 145, soc: 75, charging: 'Charging', added: 36, power: 90, fast: true },
      { min: 150, odo: 145, soc: 80, gear: 'D', speed: 65, added: 39, fast: true },
      { min: 200, odo: 200, soc: 60 },
    ]);
    expect(drives.map((d) => d.distanceMi)).toEqual([145, 55]);
    expect(charges).toEqual([expect.objectContaining({ kind: 'dc', energyAddedKwh: 39, peakPowerKw: 150 })]);
  });

  it('charging at two readings with a drive between them: two sessions, the first with the count it last showed', () => {
    const { charges, drives } = run([
      { min: 0, odo: 50, soc: 58, charging: 'Charging', added: 0.5, power: 22 },
      { min: 15, odo: 50, soc: 64, charging: 'Charging', added: 5.1, power: 22 },
      // unplugged at 20, drove 20–32, plugged in again at 40: its counter started over
      { min: 60, odo: 56, soc: 70, charging: 'Charging', added: 5.2, power: 22 },
      { min: 75, odo: 56, soc: 75, charging: 'Complete', added: 8.9 },
    ]);
    expect(drives).toEqual([expect.objectContaining({ distanceMi: 6 })]);
    expect(charges).toEqual([
      expect.objectContaining({ start: { at: T0, batteryLevel: 58 }, lastChargingAt: T0 + 15 * MIN, endBy: T0 + 60 * MIN, energyAddedKwh: 5.1 }),
      expect.objectContaining({ start: { at: T0 + 60 * MIN, batteryLevel: 70 }, endBy: T0 + 75 * MIN, energyAddedKwh: 8.9 }),
    ]);
  });

  it('a session first seen under way begins at the level of the reading before, only if the car stood there since', () => {
    const { charges } = run([
      { min: 0, odo: 10, soc: 57 },
      { min: 240, odo: 10, soc: 70, charging: 'Charging', added: 10, power: 9 },
      { min: 250, odo: 10, soc: 70, charging: 'Complete', added: 10.2 },
      { min: 300, odo: 25, soc: 64, charging: 'Charging', added: 2, power: 9 }, // drove 15 miles since: not where it began
      { min: 320, odo: 25, soc: 68, charging: 'Complete', added: 3.4 },
    ]);
    expect(charges.map((c) => [c.start.batteryLevel, c.end.batteryLevel])).toEqual([
      [57, 70],
      [64, 68],
    ]);
  });

  it('a charge no reading saw (battery up between two parked readings) is still a session, with the car’s count', () => {
    const { charges } = run([
      { min: 0, odo: 10, soc: 40 },
      { min: 600, odo: 10, soc: 80, charging: 'Complete', added: 30.5 },
    ]);
    expect(charges).toEqual([expect.objectContaining({ readings: 0, energyAddedKwh: 30.5, startedAfter: T0, endBy: T0 + 600 * MIN })]);
  });
});

describe('idle periods (drain)', () => {
  it('records what a parked car lost between the end of one drive and the start of the next, as % per day', () => {
    const { idles } = run([
      { min: 0, odo: 1000, soc: 80 },
      { min: 5, odo: 1002, soc: 79, gear: 'D', speed: 30 },
      { min: 10, odo: 1004, soc: 78 },
      { min: 10 + 8 * 60, odo: 1004, soc: 77 },
      { min: 10 + 12 * 60, odo: 1004, soc: 76 },
      { min: 15 + 12 * 60, odo: 1006, soc: 75, gear: 'D', speed: 30 },
      { min: 20 + 12 * 60, odo: 1008, soc: 74 },
    ]);
    expect(idles).toEqual([
      expect.objectContaining({
        startAt: T0 + 10 * MIN,
        endAt: T0 + (10 + 12 * 60) * MIN,
        durationMs: 12 * 60 * MIN,
        startBatteryLevel: 78,
        endBatteryLevel: 76,
        batteryLost: 2,
        rangeLostMi: 6,
        drainPercentPerDay: 4,
      }),
    ]);
  });

  it('ends an idle period at a charge, and ignores a stop shorter than an hour', () => {
    const { idles } = run([
      { min: 0, odo: 10, soc: 50 },
      { min: 30, odo: 10, soc: 50 },
      { min: 40, odo: 12, soc: 49, gear: 'D', speed: 20 },
      { min: 45, odo: 13, soc: 49 },
      { min: 300, odo: 13, soc: 48 },
      { min: 320, odo: 13, soc: 52, charging: 'Charging', added: 3, power: 11 },
    ]);
    expect(idles.map((i) => [i.startAt, i.endAt])).toEqual([[T0 + 45 * MIN, T0 + 300 * MIN]]);
  });

  it('read once when parked and again when charging began at night: the evening drain, less what the charge had added', () => {
    const { idles } = run([
      { min: 0, odo: 10, soc: 60, gear: 'D', speed: 30 },
      { min: 5, odo: 12, soc: 60 }, // parked
      { min: 185, odo: 12, soc: 60, charging: 'Charging', added: 0.75, power: 11 }, // 1 % in already
      { min: 205, odo: 12, soc: 63, charging: 'Charging', added: 3, power: 11 },
    ]);
    expect(idles).toEqual([
      expect.objectContaining({ startAt: T0 + 5 * MIN, endAt: T0 + 185 * MIN, endBatteryLevel: 59, batteryLost: 1, rangeLostMi: 3, endedByCharge: true }),
    ]);
  });

  it('a period ended by a charge takes the charge out at the car’s own rated consumption once its charging showed it', () => {
    // The first session shows 300 Wh a rated mile (12 kWh for 40 rated miles); the pack's 75 kWh would say 250.
    const { idles } = run([
      { min: 0, odo: 1000, soc: 50, range: 150 },
      { min: 10, odo: 1000, soc: 51, range: 153, charging: 'Charging', added: 0.9, power: 7 },
      { min: 90, odo: 1000, soc: 64, range: 193, charging: 'Charging', added: 12.9, power: 7 },
      { min: 100, odo: 1000, soc: 64, range: 193, charging: 'Complete', added: 12.9 },
      { min: 200, odo: 1004, soc: 63, range: 189, gear: 'D', speed: 30 },
      { min: 205, odo: 1006, soc: 62, range: 185 }, // parked
      // Evening drain 2 rated miles, then 3 kWh in by the first charging reading: 10 rated miles at 300 Wh.
      { min: 400, odo: 1006, soc: 66, range: 193, charging: 'Charging', added: 3, power: 7 },
    ]);
    expect(idles).toEqual([expect.objectContaining({ startAt: T0 + 205 * MIN, endedByCharge: true, rangeLostMi: 2 })]);
  });

  it('a period whose end, less what the charge had added, still shows a gain gives no drain, not a negative one', () => {
    // The assumed 75 kWh pack is larger than this car's: 10 kWh "is" 13 points, but it took 17. A parked car does not
    // gain: the estimate is off, so the period has no drain rather than a wrong one.
    const { idles } = run([
      { min: 0, odo: 10, soc: 57, gear: 'D', speed: 30 },
      { min: 5, odo: 12, soc: 57 }, // parked
      { min: 240, odo: 12, soc: 74, charging: 'Charging', added: 10, power: 7 },
    ]);
    expect(idles).toEqual([expect.objectContaining({ startAt: T0 + 5 * MIN, endedByCharge: true, drainPercentPerDay: null, rangeLostMi: null })]);
  });

  it('says how much of the period the collector saw the car asleep, from the list’s state changes', () => {
    const readings = [
      { min: 0, odo: 1000, soc: 80, gear: 'D' as const, speed: 30 },
      { min: 10, odo: 1004, soc: 78 }, // parked
      { min: 10 + 10 * 60, odo: 1004, soc: 77 }, // woke 10 h later (the owner's phone), read before it moves
      { min: 15 + 10 * 60, odo: 1006, soc: 76, gear: 'D' as const, speed: 30 },
    ];
    const changes = [
      { vin: VIN, at: T0 - 5 * MIN, state: 'online' as const },
      { vin: VIN, at: T0 + 25 * MIN, state: 'asleep' as const }, // 15 minutes after parking
      { vin: VIN, at: T0 + (9 + 10 * 60) * MIN, state: 'online' as const },
    ];
    const { idles } = deriveHistory(readings.map(snap), OPTIONS, undefined, changes);
    expect(idles).toHaveLength(1);
    // Asleep from minute 25 to minute 609 of a period from 10 to 610.
    expect(idles[0]!.asleepShare).toBeCloseTo((609 - 25) / 600, 3);
    // A nap before the period began does not count; no state seen at all is unknown, not "never asleep".
    const napBefore = [
      { vin: VIN, at: T0 - 60 * MIN, state: 'asleep' as const },
      ...changes.slice(0, 1),
      { vin: VIN, at: T0 + (9 + 10 * 60) * MIN, state: 'online' as const },
    ];
    expect(deriveHistory(readings.map(snap), OPTIONS, undefined, napBefore).idles[0]!.asleepShare).toBe(0);
    expect(run(readings).idles[0]!.asleepShare).toBeNull();
  });

  it('counts only the sleep before the period’s last reading: not the sleep after a drive no reading saw', () => {
    const readings = [
      { min: 0, odo: 1000, soc: 78 },
      { min: 61, odo: 1000, soc: 78 }, // read on waking; its drive (62–70) went unseen, every read then got a 408
      { min: 201, odo: 1005, soc: 76 }, // parked further on
    ];
    const changes = [
      { vin: VIN, at: T0 + 15 * MIN, state: 'asleep' as const },
      { vin: VIN, at: T0 + 60 * MIN, state: 'online' as const },
      { vin: VIN, at: T0 + 85 * MIN, state: 'asleep' as const },
      { vin: VIN, at: T0 + 200 * MIN, state: 'online' as const },
    ];
    const { idles } = deriveHistory(readings.map(snap), OPTIONS, undefined, changes);
    expect(idles).toHaveLength(1);
    expect(idles[0]).toMatchObject({ startAt: T0, endAt: T0 + 61 * MIN });
    expect(idles[0]!.asleepShare).toBeCloseTo(45 / 61, 3);
  });

  it('the collector’s way (state changes folded as they come, between readings) gives what re-deriving gives', () => {
    const changes = [
      { vin: VIN, at: T0 + 25 * MIN, state: 'asleep' as const },
      { vin: VIN, at: T0 + 300 * MIN, state: 'online' as const },
    ];
    const readings = [
      { min: 10, odo: 1004, soc: 78 },
      { min: 301, odo: 1004, soc: 77 },
      { min: 305, odo: 1006, soc: 76, gear: 'D' as const, speed: 30 },
    ];
    let state = EMPTY_HISTORY;
    const live = [];
    state = foldSnapshot(state, snap(readings[0]!), OPTIONS).state;
    state = foldStateChange(state, changes[0]!);
    state = foldStateChange(state, changes[1]!);
    for (const r of readings.slice(1)) {
      const step = foldSnapshot(state, snap(r), OPTIONS);
      state = step.state;
      live.push(...step.idles);
    }
    expect(live).toEqual(deriveHistory(readings.map(snap), OPTIONS, undefined, changes).idles);
    expect(live[0]!.asleepShare).toBeCloseTo(275 / 291, 3);
  });
});

describe('drive times bounded by the car’s sleep (the free list’s state changes)', () => {
  // The car parked at minute 0 and slept from 15; the list saw it asleep last at minute 519 and online at 520.
  const night = [
    { vin: VIN, at: T0 + 15 * MIN, state: 'asleep' as const, since: T0 + 14 * MIN },
    { vin: VIN, at: T0 + 520 * MIN, state: 'online' as const, since: T0 + 519 * MIN },
  ];

  it('a car that drives off as soon as it wakes started after it woke, not at the last reading before the night', () => {
    const readings = [
      { min: 0, odo: 1000, soc: 80 },
      { min: 521, odo: 1000.8, soc: 80, gear: 'D' as const, speed: 30 },
      { min: 526, odo: 1003.3, soc: 79, gear: 'D' as const, speed: 30 },
      { min: 531, odo: 1005, soc: 78 },
    ];
    const [drive] = deriveHistory(readings.map(snap), OPTIONS, undefined, night).drives;
    expect(drive).toMatchObject({ start: { at: T0, odometerMi: 1000 }, startedAfter: T0 + 519 * MIN, startedBy: T0 + 521 * MIN, mayHideStops: false });
    expect(drive!.durationMs).toBe(12 * MIN);
    // Without the list's word, only the reading before the night bounds it.
    const [unbounded] = run(readings).drives;
    expect(unbounded!.startedAfter).toBeUndefined();
    expect(unbounded!.durationMs).toBe(531 * MIN);
  });

  it('a drive whose parking no reading saw, found parked as the car woke: it ended by the time the car fell asleep', () => {
    const readings = [
      { min: 0, odo: 1000, soc: 80, gear: 'D' as const, speed: 30 },
      { min: 5, odo: 1002.5, soc: 79, gear: 'D' as const, speed: 30 },
      { min: 521, odo: 1005, soc: 78 }, // read as it woke: it had not driven since
    ];
    const [drive] = deriveHistory(readings.map(snap), OPTIONS, undefined, night).drives;
    expect(drive).toMatchObject({ endedAfter: T0 + 5 * MIN, endedBy: T0 + 15 * MIN, end: { at: T0 + 521 * MIN, odometerMi: 1005 } });
    expect(drive!.durationMs).toBe(15 * MIN);
    // Read long after it woke, it may have driven again since: only that reading bounds the end.
    const late = deriveHistory([...readings.slice(0, 2), { min: 580, odo: 1005, soc: 78 }].map(snap), OPTIONS, undefined, night).drives[0]!;
    expect(late.endedBy).toBeUndefined();
    expect(late.durationMs).toBe(580 * MIN);
  });

  it('a car first read moving further on than it could have driven since it woke drove before it slept too', () => {
    // The read that would have found it parked after its first errand (minutes 3–13) was lost to a weak signal; it
    // slept from 15 and drove off again as it woke. 7.5 miles in the 2 minutes since the wake: not at 30 mph.
    const readings = [
      { min: 0, odo: 1000, soc: 80 },
      { min: 521, odo: 1007.5, soc: 77, gear: 'D' as const, speed: 30 },
      { min: 531, odo: 1010, soc: 76 },
    ];
    const [drive] = deriveHistory(readings.map(snap), OPTIONS, undefined, night).drives;
    expect(drive).toMatchObject({ start: { at: T0, odometerMi: 1000 }, startedBy: T0 + 521 * MIN, mayHideStops: true });
    expect(drive!.startedAfter).toBeUndefined();
    expect(drive!.durationMs).toBe(531 * MIN);
  });

  it('a car read just after it pulled away on waking is not taken for one that stopped on the way', () => {
    // Last seen asleep at 519, read at 521 a tenth of a mile on at 30 mph: it set off a few seconds before, no stop.
    const readings = [
      { min: 0, odo: 1000, soc: 80 },
      { min: 521, odo: 1000.1, soc: 80, gear: 'D' as const, speed: 30 },
      { min: 526, odo: 1002.6, soc: 79, gear: 'D' as const, speed: 30 },
      { min: 531, odo: 1005, soc: 78 },
    ];
    expect(deriveHistory(readings.map(snap), OPTIONS, undefined, night).drives[0]!.mayHideStops).toBe(false);
  });

  it('a drive read just after it woke takes its energy from there: the night’s drain is not driving', () => {
    const readings = [
      { min: 0, odo: 1000, soc: 80, range: 240 },
      { min: 521, odo: 1000.5, soc: 79, range: 236.5, gear: 'D' as const, speed: 30 }, // 3 mi of range lost overnight
      { min: 531, odo: 1005, soc: 77, range: 231.5 },
    ];
    const [drive] = deriveHistory(readings.map(snap), OPTIONS, undefined, night).drives;
    // From 236.5: 5 rated miles for the 4.5 miles on, and the half mile before at that rate; not the 8.5 since the
    // evening's reading, nor a rated mile for each mile before the reading (5.5).
    const fullRange = ((237 + 231.5) / (80 + 77)) * 100;
    // Less the minute it stood after its last moving reading (4.5 miles at 30 mph take 9 of the 10), at 0.2 kW.
    expect(drive!.estimatedEnergyKwh).toBeCloseTo(((5 * 5) / 4.5 / fullRange) * 75 - 0.2 / 60, 2);
  });

  it('a drive read on waking some way on counts the miles before at its own rate, not a rated mile each', () => {
    // Read a minute after it woke, 0.5 mi on; it then used 0.8 rated miles a mile (slow, in town), 4 miles in all.
    const readings = [
      { min: 0, odo: 1000, soc: 80, range: 240 },
      { min: 521, odo: 1000.5, soc: 80, range: 239.6, gear: 'D' as const, speed: 20 },
      { min: 531.5, odo: 1004, soc: 79, range: 236.8 }, // parked as it arrived: 3.5 miles at 20 mph
    ];
    const [drive] = deriveHistory(readings.map(snap), OPTIONS, undefined, night).drives;
    expect(drive!.ratedRangeUsedMi).toBeCloseTo(3.2, 2); // 2.8 for the 3.5 miles read, 0.4 for the half mile before
  });

  it('a sleep before the last reading bounds nothing: the drive opens from that reading', () => {
    const readings = [
      { min: 0, odo: 1000, soc: 80 },
      { min: 522, odo: 1000, soc: 80 }, // read as it woke, parked
      { min: 540, odo: 1002, soc: 79, gear: 'D' as const, speed: 30 },
      { min: 545, odo: 1004, soc: 78 },
    ];
    const [drive] = deriveHistory(readings.map(snap), OPTIONS, undefined, night).drives;
    expect(drive).toMatchObject({ start: { at: T0 + 522 * MIN } });
    expect(drive!.startedAfter).toBeUndefined();
  });

  it('a parking whose only reading was its first, ended by a drive seen already under way: it lasted until the car woke', () => {
    const days = [
      { vin: VIN, at: T0 + 15 * MIN, state: 'asleep' as const, since: T0 + 14 * MIN },
      { vin: VIN, at: T0 + 6000 * MIN, state: 'online' as const, since: T0 + 5999 * MIN },
    ];
    const readings = [
      { min: 0, odo: 1000, soc: 80 }, // range 240
      { min: 6001, odo: 1000.5, soc: 78, gear: 'D' as const, speed: 30 }, // range 234, half a mile on
      { min: 6011, odo: 1005, soc: 77 },
    ];
    const { idles } = deriveHistory(readings.map(snap), OPTIONS, undefined, days);
    expect(idles).toHaveLength(1);
    expect(idles[0]).toMatchObject({ startAt: T0, endAt: T0 + 5999 * MIN, endedByWake: true, endBatteryLevel: 78, rangeLostMi: 5.5 });
    // 5.5 mi of range at 3 mi a percent, over 5,999 minutes.
    expect(idles[0]!.drainPercentPerDay).toBeCloseTo((5.5 / 3) * (1440 / 5999), 2);
    expect(idles[0]!.asleepShare).toBeCloseTo(1, 2);
    // Without the list's word there is nothing to end it at: no period (what the car did is unknown, not zero).
    expect(run(readings).idles).toEqual([]);
    // Read long after it woke, the moving reading stands for nothing: no guess.
    const late = [readings[0]!, { ...readings[1]!, min: 6030 }, { ...readings[2]!, min: 6040 }];
    expect(deriveHistory(late.map(snap), OPTIONS, undefined, days).idles).toEqual([]);
  });

  it('folded as the collector does, between readings, gives what re-deriving gives', () => {
    const readings = [
      { min: 0, odo: 1000, soc: 80 },
      { min: 521, odo: 1000.8, soc: 80, gear: 'D' as const, speed: 30 },
      { min: 531, odo: 1005, soc: 78 },
    ];
    let state = foldSnapshot(EMPTY_HISTORY, snap(readings[0]!), OPTIONS).state;
    for (const change of night) state = foldStateChange(state, change);
    const live = [];
    for (const r of readings.slice(1)) {
      const step = foldSnapshot(state, snap(r), OPTIONS);
      state = step.state;
      live.push(...step.drives);
    }
    expect(live).toEqual(deriveHistory(readings.map(snap), OPTIONS, undefined, night).drives);
    expect(live[0]!.startedAfter).toBe(T0 + 519 * MIN);
  });
});

describe('software versions and the real captured answer', () => {
  it('records each version once, when first seen', () => {
    const { versions } = run([
      { min: 0, odo: 1, version: '2026.20.1 abc' },
      { min: 10, odo: 1, version: '2026.20.1 abc' },
      { min: 20, odo: 1, version: '2026.26.3 def' },
    ]);
    expect(versions.map((v) => [v.version, v.firstSeenAt])).toEqual([
      ['2026.20.1', T0],
      ['2026.26.3', T0 + 20 * MIN],
    ]);
  });

  it('reads the fields history needs from Tesla’s captured vehicle_data', () => {
    const data = teslaFixtureJson<{ response: unknown }>('vehicle_data.ha-tesla_fleet-model3-online-parked.json');
    const s = snapshotFromVehicleData(VIN, data, 0);
    expect(s.detail).toMatchObject({
      usableBatteryLevel: expect.any(Number),
      chargeLimitSoc: expect.any(Number),
      insideTempC: expect.any(Number),
      tyrePressureBar: { fl: expect.any(Number) },
    });
    expect(defaultPackKwh('5YJSA7E21JF230000')).toBe(95);
    expect(defaultPackKwh(VIN)).toBe(75);
  });
});
