import { describe, expect, it } from '@jest/globals';
import type { StateChange } from '../../../shared/domain/history/history-records';
import { deriveHistory } from '../../../shared/domain/history/history-machine';
import { rederiveHistory } from '../../../shared/domain/history/rederive';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import { MemoryHistoryStore } from '../../support/memory-history-store';
import { MemoryStores } from '../../support/memory-stores';

const VIN = '5YJ3E7EB0SF000007';
const START = Date.parse('2026-05-01T00:00:00Z');

/** Three days read every minute (as a TeslaFi import stores them): a drive each morning, a charge each evening, asleep each night. */
function threeDays() {
  const snapshots = [];
  const changes: StateChange[] = [];
  let odometer = 5000;
  let battery = 80;
  for (let minute = 0; minute < 3 * 1440; minute++) {
    const of = minute % 1440;
    const at = START + minute * 60_000;
    if (of === 0) changes.push({ vin: VIN, at, state: 'asleep' });
    if (of === 360) changes.push({ vin: VIN, at, state: 'online' });
    if (of < 360) continue; // asleep: no reading
    const driving = of >= 480 && of < 520;
    const charging = of >= 1200 && of < 1260;
    if (driving) {
      odometer += 0.5;
      battery -= 0.1;
    }
    if (charging) battery += 0.2;
    snapshots.push(
      snapshotFromVehicleData(
        VIN,
        {
          vehicle_state: { odometer, timestamp: at },
          drive_state: { shift_state: driving ? 'D' : 'P', speed: driving ? 30 : 0 },
          charge_state: { battery_level: Math.round(battery), battery_range: battery * 3, charging_state: charging ? 'Charging' : 'Disconnected' },
        },
        at,
      ),
    );
  }
  return { snapshots, changes };
}

describe('deriving history again', () => {
  it('folds the stored readings a page at a time and gives what one fold over all of them gives', async () => {
    const { snapshots, changes } = threeDays();
    expect(snapshots.length).toBeGreaterThan(2 * 1000); // more than two pages
    const stores = new MemoryStores();
    const history = new MemoryHistoryStore();
    for (const s of snapshots) await stores.putSnapshot(s);
    history.stateChanges.push(...changes);
    const result = await rederiveHistory({ snapshots: stores, history }, VIN, { fromMs: START, toMs: START + 4 * 86_400_000 });
    const whole = deriveHistory(snapshots, { packKwh: 75 }, undefined, changes);
    expect(result).toMatchObject({ snapshots: snapshots.length, drives: whole.drives.length, charges: whole.charges.length });
    expect([...history.drives.values()].sort((a, b) => a.start.at - b.start.at)).toEqual(whole.drives);
    expect([...history.charges.values()].sort((a, b) => a.start.at - b.start.at)).toEqual(whole.charges);
    expect([...history.idles.values()].sort((a, b) => a.startAt - b.startAt)).toEqual(whole.idles);
    expect(history.states.get(VIN)).toEqual(whole.state);
    expect(whole.drives).toHaveLength(3);
    expect(whole.idles.some((i) => i.asleepShare !== null && i.asleepShare > 0)).toBe(true);
  });

  it('derives a past period without touching what came after it or the state the collector goes on from', async () => {
    const { snapshots, changes } = threeDays();
    const stores = new MemoryStores();
    const history = new MemoryHistoryStore();
    for (const s of snapshots) await stores.putSnapshot(s);
    history.stateChanges.push(...changes);
    await rederiveHistory({ snapshots: stores, history }, VIN, { fromMs: START, toMs: START + 4 * 86_400_000 });
    const stateAfter = history.states.get(VIN);
    const drivesAfter = [...history.drives.values()].length;
    // The first day again, as an import into a live table does it: the second and third days' records stay.
    await rederiveHistory({ snapshots: stores, history }, VIN, { fromMs: START, toMs: START + 86_400_000 - 1, keepState: true });
    expect(history.states.get(VIN)).toEqual(stateAfter);
    expect([...history.drives.values()]).toHaveLength(drivesAfter);
  });

  it('keeps records imported as records, and marks what lies inside an imported stretch of readings', async () => {
    const { snapshots, changes } = threeDays();
    const stores = new MemoryStores();
    const history = new MemoryHistoryStore();
    for (const s of snapshots) await stores.putSnapshot(s);
    history.stateChanges.push(...changes);
    const earlier = { ...deriveHistory(snapshots, { packKwh: 75 }).drives[0]!, imported: { source: 'teslamate' as const, recordId: '7' } };
    const old = { ...earlier, id: String(START - 86_400_000), start: { ...earlier.start, at: START - 86_400_000 } };
    await history.keepImportedRecords(VIN, { drives: [old], charges: [] });
    await history.putImportedRange({ vin: VIN, source: 'teslafi', fromMs: START, toMs: START + 86_400_000 });
    await rederiveHistory({ snapshots: stores, history }, VIN, { fromMs: 0, toMs: START + 4 * 86_400_000 });
    const drives = [...history.drives.values()].sort((a, b) => a.start.at - b.start.at);
    expect(drives.map((d) => d.imported?.source ?? null)).toEqual(['teslamate', 'teslafi', null, null]);
    expect(history.log.filter((e) => e.kind === 'drive').map((e) => (e.kind === 'drive' ? (e.imported?.source ?? null) : null))).toEqual([
      'teslafi',
      null,
      null,
    ]);
  });
});
