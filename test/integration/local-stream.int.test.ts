import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalHost, type LocalHost } from '../../infra/local/local-host';
import { SimClock } from '../../infra/simulator/sim-clock';
import { parseLocalSettings } from '../../shared/config/local-settings';
import type { CollectorSummary } from '../../shared/domain/collector';
import { T0 } from '../support/sim-client';

/** `npm start -- --stream`: the simulated car streams into the local table, and the collector leaves it to the stream. */
const VIN = '5YJ3E7EB0SF000071';
let host: LocalHost;
const clock = new SimClock(T0, 0);
const decisions: string[] = [];

beforeAll(async () => {
  const settings = parseLocalSettings({ DATA_DIR: await mkdtemp(join(tmpdir(), 'stream-')), PORT: '0' }, process.cwd());
  host = await startLocalHost(settings, {
    simulator: {
      clock,
      cars: [
        {
          vin: VIN,
          id: 71,
          displayName: 'Streamer',
          odometerMi: 3_000,
          batteryLevel: 70,
          anchor: T0,
          // Two errands with a 2-minute stop between them: polling could not see the stop.
          profile: {
            periodMinutes: 1440,
            segments: [
              { activity: 'drive', startMinute: 10, minutes: 8, speedMph: 30 },
              { activity: 'drive', startMinute: 20, minutes: 8, speedMph: 30 },
            ],
          },
        },
      ],
    },
    schedule: false,
    stream: true,
  });
  for (let second = 0; second < 45 * 60; second++) {
    if (second % 60 === 0) {
      const pass = (await host.collectNow()) as CollectorSummary;
      decisions.push(...(pass.vehicles ?? []).map((v) => v.reason));
    }
    await host.streamTick!();
    clock.advance(1000);
  }
});
afterAll(() => host.stop());

describe('the local host with the simulated cars streaming', () => {
  it('records both errands, split at the 2-minute stop, with their times to the second', async () => {
    const res = await fetch(`${host.url}/vehicles/${VIN}/drives?from=2026-03-01&to=2026-03-03`, { headers: { authorization: `Bearer ${host.apiToken}` } });
    const { drives } = (await res.json()) as { drives: Array<{ start: { at: string }; end: { at: string }; distanceMi: number }> };
    const trips = host.simulator!.car(VIN).truth.trips.filter((t) => t.endAt !== null);
    expect(trips).toHaveLength(2);
    expect(drives).toHaveLength(2);
    const byStart = [...drives].sort((a, b) => a.start.at.localeCompare(b.start.at));
    for (const [i, trip] of trips.entries()) {
      expect(Math.abs(Date.parse(byStart[i]!.start.at) - trip.startAt)).toBeLessThanOrEqual(1000);
      expect(Math.abs(Date.parse(byStart[i]!.end.at) - trip.endAt!)).toBeLessThanOrEqual(1000);
      expect(byStart[i]!.distanceMi).toBeCloseTo(4, 0);
    }
  });

  it('leaves the streaming car to the stream: the collector made no billed read once it streamed', () => {
    expect(decisions.some((r) => r.startsWith('streaming'))).toBe(true);
    const reads = host.simulator!.billing.byVehicle.get(VIN)?.data ?? 0;
    // At most the read before its first record (the car came online, the collector was first).
    expect(reads).toBeLessThanOrEqual(1);
  });
});
