import { memoryApiDeps } from '../../support/memory-api-deps';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from '@jest/globals';
import { createApiHandler } from '../../../functions/api/create-handler';
import { deriveHistory } from '../../../shared/domain/history/history-machine';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import { ApiTokenVerifier } from '../../../shared/secrets/api-token-verifier';
import { httpEvent } from '../../support/api-events';
import { FakeFleetApi } from '../../support/fake-fleet-api';
import { MemoryCommandStores } from '../../support/memory-command-stores';
import { MemoryHistoryStore } from '../../support/memory-history-store';
import { MemoryStores } from '../../support/memory-stores';

const TOKEN = 'track-api-token-0123456789';
const VIN = '5YJ3E7EB0SF000001';
const T0 = Date.parse('2026-06-15T07:00:00Z');

async function setup(withLocation: boolean) {
  const stores = new MemoryStores();
  const history = new MemoryHistoryStore();
  const commands = new MemoryCommandStores();
  const readings = [
    [0, 100, 'P', 48.1, 11.5],
    [5, 102, 'D', 48.11, 11.52],
    [10, 104, 'P', 48.12, 11.55],
  ] as const;
  const snapshots = readings.map(([min, odometer, gear, latitude, longitude]) =>
    snapshotFromVehicleData(
      VIN,
      {
        vehicle_state: { odometer, timestamp: T0 + min * 60_000 },
        drive_state: { shift_state: gear, speed: gear === 'D' ? 30 : null, ...(withLocation ? { latitude, longitude } : {}) },
      },
      0,
    ),
  );
  for (const s of snapshots) await stores.putSnapshot(s);
  await history.saveHistoryStep(VIN, deriveHistory(snapshots, { packKwh: 75 }));
  const handler = createApiHandler(
    memoryApiDeps({ stores, history, commands, fleet: new FakeFleetApi(), clock: { now: () => T0 + 3_600_000 } }),
    new ApiTokenVerifier(() => Promise.resolve(TOKEN)),
  );
  return (path: string) => handler(httpEvent('GET', path, { token: TOKEN, headers: { accept: 'application/gpx+xml' } }), {} as Context);
}

describe('a drive’s track as GPX', () => {
  it('lists the positions of the readings that bound and fill the drive, in order, with their times', async () => {
    const get = await setup(true);
    const res = await get(`/vehicles/${VIN}/drives/${T0}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toMatch(/application\/gpx\+xml/);
    const points = [...res.body!.matchAll(/<trkpt lat="([\d.]+)" lon="([\d.]+)"><time>([^<]+)<\/time>/g)].map((m) => [Number(m[1]), Number(m[2]), m[3]]);
    expect(points).toEqual([
      [48.1, 11.5, '2026-06-15T07:00:00.000Z'],
      [48.11, 11.52, '2026-06-15T07:05:00.000Z'],
      [48.12, 11.55, '2026-06-15T07:10:00.000Z'],
    ]);
  });

  it('says how to get tracks when location is off', async () => {
    const get = await setup(false);
    const res = await get(`/vehicles/${VIN}/drives/${T0}`);
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body!)).toMatchObject({ error: { code: 'no_track', message: expect.stringContaining('INCLUDE_LOCATION') } });
  });
});
