import type { Context } from 'aws-lambda';
import { describe, expect, it } from '@jest/globals';
import { createApiHandler } from '../../../functions/api/create-handler';
import { deriveHistory } from '../../../shared/domain/history/history-machine';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import { ApiTokenVerifier } from '../../../shared/secrets/api-token-verifier';
import { httpEvent } from '../../support/api-events';
import { memoryApiDeps } from '../../support/memory-api-deps';
import { MemoryHistoryStore } from '../../support/memory-history-store';

const TOKEN = 'battery-api-token-0123456789';
const VIN = '5YJ3E7EB0SF000001';
const T0 = Date.parse('2026-06-01T07:00:00Z');

/** Ten days of a drive each, ending at 60 % with 180 mi of range (300 mi full); no charge between them. */
async function setup() {
  const history = new MemoryHistoryStore();
  const snapshots = Array.from({ length: 10 }, (_, day) => [
    [day * 1440, 1000 + day * 10, 'P', 61, 183],
    [day * 1440 + 5, 1005 + day * 10, 'D', 61, 182],
    [day * 1440 + 10, 1010 + day * 10, 'P', 60, 180],
  ])
    .flat()
    .map(([min, odometer, gear, level, range]) =>
      snapshotFromVehicleData(
        VIN,
        {
          vehicle_state: { odometer, timestamp: T0 + Number(min) * 60_000 },
          drive_state: { shift_state: gear, speed: gear === 'D' ? 30 : null },
          charge_state: { battery_level: level, usable_battery_level: level, battery_range: range },
        },
        0,
      ),
    );
  await history.saveHistoryStep(VIN, deriveHistory(snapshots, { packKwh: 75 }));
  const handler = createApiHandler(memoryApiDeps({ history, clock: { now: () => T0 + 20 * 86_400_000 } }), new ApiTokenVerifier(() => Promise.resolve(TOKEN)));
  return (query: Record<string, string> = {}, route = '/battery-health') =>
    handler(httpEvent('GET', `/vehicles/${VIN}${route}`, { token: TOKEN, query }), {} as Context);
}

describe('GET /vehicles/{vin}/battery-health', () => {
  it('gives the month’s full rated range from the drives’ ends, with the method, from the derived history alone', async () => {
    const res = await (await setup())();
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body!);
    expect(body).toMatchObject({ vin: VIN, to: '2026-06', months: [{ month: '2026-06', samples: 10, fullRangeMi: 300, fullRangeMiIqr: [300, 300] }] });
    expect(body.method).toMatch(/rated range ÷ battery level/);
  });

  it('bins the same drives’ efficiency by average speed (and by temperature when the car reports it)', async () => {
    const handler = await setup();
    const res = await handler({}, '/efficiency');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!)).toMatchObject({ vin: VIN, drives: 10, byOutsideTempC: [], byAverageSpeedMph: [{ drives: 10, distanceMi: 100 }] });
  });

  it('answers a bad month with a 400 naming it', async () => {
    const res = await (await setup())({ from: '2026-13' });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!)).toMatchObject({ error: { code: 'invalid_query' } });
  });
});
