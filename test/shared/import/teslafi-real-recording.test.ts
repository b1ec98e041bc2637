import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replayAsPolled } from '../../../infra/bench/teslafi-replay';
import { defaultPackKwh, deriveHistory } from '../../../shared/domain/history/history-machine';
import { parseTeslaFi } from '../../../shared/import/teslafi';

/**
 * A real car's day (see test/fixtures/teslafi/README.md), derived as stored readings and as this system's collector
 * would have read it. Where TeslaMate's own import test records what it derived from the same file, that is the
 * reference: `TESLAMATE` below holds its figures.
 */
const VIN = '1YYSA1YYYFF08YYYY';
const KM_PER_MI = 1.609344;
const file = readFileSync(join('test', 'fixtures', 'teslafi', 'model-s-2016-06.csv'), 'utf8');
const parsed = parseTeslaFi(file, { vin: VIN, timeZone: 'America/Los_Angeles', file: 'model-s-2016-06.csv' });
const options = { packKwh: defaultPackKwh(VIN) };
const at = (iso: string): number => Date.parse(iso);

/** TeslaMate's import test on this file (test/teslamate/import_test.exs, "logs drives, charges, states and updates"). */
const TESLAMATE = {
  drives: [
    { start: at('2016-06-26T18:12:28Z'), end: at('2016-06-26T18:15:28Z'), startKm: 22414.090164, endKm: 22415.295107, speedMaxKmh: 55 },
    { start: at('2016-06-26T19:22:28Z'), end: at('2016-06-26T19:34:09Z'), startKm: 22415.344102, endKm: 22420.306617, speedMaxKmh: 58 },
  ],
  charge: {
    start: at('2016-06-26T23:04:32Z'),
    end: at('2016-06-27T00:14:32Z'),
    added: 10.11,
    used: 10.65,
    levels: [57, 70],
    ratedKm: [236.69, 292.79],
  },
};

describe('a real Model S day from a TeslaFi export, every row as stored', () => {
  const step = deriveHistory(parsed.snapshots, options, undefined, parsed.changes);

  it('reads every row, and finds the two drives and the one session TeslaMate finds', () => {
    expect(parsed.snapshots).toHaveLength(806); // rows with a reading; the others are listed states without one
    expect(parsed.problems).toEqual([]);
    expect(step.drives).toHaveLength(2);
    expect(step.charges).toHaveLength(1);
  });

  it('bounds each drive around the times TeslaMate logs, and gives its distance from the odometer', () => {
    step.drives.forEach((drive, i) => {
      const tm = TESLAMATE.drives[i]!;
      // TeslaMate starts a drive at its first moving reading: our start lies between the last parked one and that.
      expect(drive.start.at).toBeLessThan(tm.start);
      expect(drive.startedBy).toBe(tm.start);
      expect(drive.endedAfter).toBeLessThan(tm.end);
      expect(drive.end.at).toBe(tm.end);
      // TeslaMate's distance runs from its first moving reading; ours from the last parked one, which also counts the
      // ground covered before the first moving reading (0.39 and 0.03 miles here): the odometer's whole change.
      expect(drive.end.odometerMi * KM_PER_MI).toBeCloseTo(tm.endKm, 3);
      expect(drive.start.odometerMi * KM_PER_MI).toBeLessThan(tm.startKm);
      expect(drive.distanceMi).toBeCloseTo(drive.end.odometerMi - drive.start.odometerMi, 3);
      expect(Math.round(drive.maxSpeedMph! * KM_PER_MI)).toBe(tm.speedMaxKmh);
      expect(drive.mayHideStops).toBe(false); // read every 20–40 s
    });
    expect(step.drives.map((d) => d.distanceMi)).toEqual([1.144, 3.114]);
  });

  it('gives the session the car’s count, TeslaMate’s times and levels, and what it drew within 1 % of TeslaMate', () => {
    const charge = step.charges[0]!;
    const tm = TESLAMATE.charge;
    expect(charge.energyAddedKwh).toBe(tm.added);
    expect([charge.start.at, charge.end.at]).toEqual([tm.start, tm.end]);
    expect([charge.start.batteryLevel, charge.end.batteryLevel]).toEqual(tm.levels);
    expect(charge.kind).toBe('ac');
    expect(Math.abs(charge.energyUsedKwh! / tm.used - 1)).toBeLessThan(0.01);
    // The car's rated consumption, as TeslaMate's figures give it: 10.11 kWh over 56.1 rated km gained.
    const tmWhPerMi = (tm.added * 1000) / ((tm.ratedKm[1]! - tm.ratedKm[0]!) / KM_PER_MI);
    expect(Math.abs(charge.ratedWhPerMi! - tmWhPerMi)).toBeLessThanOrEqual(1);
  });

  it('prices the drives’ rated miles at the consumption the evening’s charge shows, not an assumed pack', () => {
    const [short, longer] = step.drives;
    // The rated range did not move over 1.1 miles (TeslaMate's start and end rated range are equal too): no figure.
    expect(short!.estimatedEnergyKwh).toBeNull();
    // 153.26 → 148.54 rated miles at 290 Wh each. At the assumed 95 kWh pack it read 1.72 kWh (553 Wh/mi).
    expect(longer!.energyEstimate).toBe('rated_range_charging');
    expect(longer!.estimatedEnergyKwh).toBe(1.37);
    expect(longer!.whPerMi).toBe(439); // 1.37 less the seconds it stood awake between readings
  });

  it('gives the drain of each idle period from the range it lost', () => {
    // 11:15 → 12:21 local: 153.63 → 153.26 rated miles, at 2.60 miles a percent, over 1.1 h: 3.1 %/day.
    expect(step.idles.map((i) => Number(i.drainPercentPerDay!.toFixed(1)))).toEqual([2.2, 3.1, 3.9]);
  });
});

describe('the same day as this system’s collector would have read it', () => {
  const polled = replayAsPolled(parsed.snapshots, parsed.changes);
  const step = deriveHistory(polled.readings, options, undefined, parsed.changes);

  it('reads it 13 times, not 806', () => {
    // One read found no row in the recording (a 408, as a weak signal gives) and was asked again a minute later.
    expect(polled.reads).toBe(13);
    expect(polled.readings).toHaveLength(9);
  });

  it('sees the two drives as one no reading saw moving, flags it, and bounds it around both', () => {
    // The car was kept online all day by TeslaFi's own reads, so the policy waited up to 4 hours between reads.
    expect(step.drives).toHaveLength(1);
    const drive = step.drives[0]!;
    expect(drive.readings).toBe(0);
    expect(drive.mayHideStops).toBe(true);
    expect(drive.start.at).toBeLessThanOrEqual(TESLAMATE.drives[0]!.start);
    expect(drive.end.at).toBeGreaterThanOrEqual(TESLAMATE.drives[1]!.end);
    expect(drive.distanceMi).toBeCloseTo(1.144 + 0.0 + 3.114, 2);
  });

  it('claims no session it did not see: the car was kept online all day, so the policy read it hours apart', () => {
    // The session (23:04–00:14 UTC) began after the read at 22:50 and ended before the next (4 hours on, after the
    // end of the recording). A real car left alone sleeps, and plugging it in wakes it: a read then (not modelled here).
    expect(polled.readings.every((r) => r.takenAt < TESLAMATE.charge.start)).toBe(true);
    expect(step.charges).toHaveLength(0);
  });
});
