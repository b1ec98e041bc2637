import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordStreamRecord, type StreamRecorderDeps } from '../../../../shared/domain/telemetry/record-stream';
import { DEFAULT_SIGNALS, streamFoldOptions } from '../../../../shared/domain/telemetry/signal-set';
import { MemoryHistoryStore } from '../../../support/memory-history-store';
import { MemoryStores, MemoryStreamStates } from '../../../support/memory-stores';

/**
 * Real cars' records (test/fixtures/fleet-telemetry/recorded, from TeslaLogger's recordings) through the production
 * recorder: what the simulated stream cannot show, the typing real firmware uses and the order a real car sends its
 * changes in.
 */
const VIN = '5YJ3E7EB0SF000012';
const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const at = (iso: string) => Date.parse(iso);

async function replay(file: string) {
  const records = readFileSync(join('test', 'fixtures', 'fleet-telemetry', 'recorded', file), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { createdAt: string; data: Array<{ key: string; value: Record<string, unknown> }> });
  const stores = new MemoryStores();
  const history = new MemoryHistoryStore();
  await stores.putVehicle({ vin: VIN, displayName: 'Car', state: 'online', lastSeenAt: 0, lastSnapshotAt: null, polling: {} as never });
  const deps: StreamRecorderDeps = {
    snapshots: stores,
    streamStates: new MemoryStreamStates(),
    vehicles: stores,
    history,
    includeLocation: false,
    fold: streamFoldOptions(DEFAULT_SIGNALS),
    log: silentLog,
  };
  // A car sends every configured field when it takes its configuration (fleet-telemetry #246); the recordings begin
  // later, so the state starts from that first full record: parked, at the odometer the recording shows, if any.
  const odometer = records.flatMap((r) => r.data).find((d) => d.key === 'Odometer')?.value.doubleValue ?? 10_000;
  const configured = {
    data: [
      { key: 'Gear', value: { shiftStateValue: 'ShiftStateP' } },
      { key: 'Odometer', value: { doubleValue: odometer } },
    ],
  };
  await recordStreamRecord(deps, { ...configured, createdAt: new Date(at(records[0]!.createdAt) - 60_000).toISOString(), vin: VIN });
  const outcomes = [];
  for (const record of records) outcomes.push(await recordStreamRecord(deps, record));
  return { outcomes, stores, history, charges: [...history.charges.values()], latest: await stores.latestSnapshot(VIN) };
}

describe('real Fleet Telemetry records through the recorder', () => {
  it('reads every record of every recording, typed or sent as strings', async () => {
    for (const file of ['dc-charging.jsonl', 'ac-charging.jsonl', 'drive-by-gear.jsonl', 'drive-by-speed.jsonl']) {
      const { outcomes } = await replay(file);
      expect(new Set(outcomes)).toEqual(new Set(['recorded']));
    }
  });

  it('makes a DC session of the car’s charge-state changes, to the second, with its energy, and sees it drive off', async () => {
    const { charges, latest } = await replay('dc-charging.jsonl');
    expect(charges.map((c) => [c.start.at, c.end.at, c.energyAddedKwh, c.kind])).toEqual([
      [at('2025-01-31T16:34:53.681Z'), at('2025-01-31T16:35:28.681Z'), 0.24, 'dc'],
    ]);
    // The gear was `invalid` while charging (not a gear: unknown), and D at the end.
    expect([latest?.shiftState, latest?.chargingState]).toEqual(['D', 'Disconnected']);
  });

  it('makes an AC session from values sent as strings, its energy within the signal set’s 0.1 kWh of the car’s final count', async () => {
    const { charges } = await replay('ac-charging.jsonl');
    expect(charges.map((c) => [c.start.at, c.end.at, c.kind])).toEqual([[at('2025-01-30T12:51:40.968Z'), at('2025-01-30T13:42:16.968Z'), 'unknown']]);
    // The car counted 1.36 kWh; its last count came 3 s after it stopped, less than the minimum delta we configure.
    expect(Math.abs(charges[0]!.energyAddedKwh! - 1.36)).toBeLessThanOrEqual(0.1);
  });

  it('ends parked, at rest, after creeping in D or slowing to a stop', async () => {
    for (const file of ['drive-by-gear.jsonl', 'drive-by-speed.jsonl']) {
      const { latest } = await replay(file);
      expect([latest?.shiftState, latest?.speedMph]).toEqual(['P', 0]);
    }
  });
});
