import type { Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { createApiHandler } from '../../../functions/api/create-handler';
import { deriveHistory } from '../../../shared/domain/history/history-machine';
import { snapshotFromVehicleData } from '../../../shared/domain/snapshot';
import { ApiTokenVerifier } from '../../../shared/secrets/api-token-verifier';
import { httpEvent } from '../../support/api-events';
import { memoryApiDeps } from '../../support/memory-api-deps';
import { MemoryHistoryStore } from '../../support/memory-history-store';
import { MemoryPlaceStore } from '../../support/memory-place-store';
import { MemoryStores } from '../../support/memory-stores';

const TOKEN = 'places-api-token-0123456789';
const VIN = '5YJ3E7EB0SF000001';
/** A Wednesday, 22:00 in Berlin (UTC+2 in June). */
const T0 = Date.parse('2026-06-10T20:00:00Z');
const HOME = { latitude: 52.52, longitude: 13.405 };

const TOU = {
  currency: 'EUR',
  timeZone: 'Europe/Berlin',
  perKwh: 0.4,
  periods: [
    { name: 'night', from: '00:00', to: '07:00', perKwh: 0.25 },
    { name: 'late', from: '23:00', to: '24:00', perKwh: 0.25 },
  ],
};

let places: MemoryPlaceStore;
let handlerCsv: (path: string) => Promise<string>;
let call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

beforeEach(async () => {
  const stores = new MemoryStores();
  const history = new MemoryHistoryStore();
  places = new MemoryPlaceStore();
  // Parked at home, plugged in at 22:00 local; charging 22:10 to 23:50 at 6 kWh per 20 minutes; done by 00:00.
  const minutes = [0, 10, 30, 50, 70, 90, 110, 120];
  const energy = [null, 0, 6, 12, 18, 24, 30, 30];
  const snapshots = minutes.map((min, i) =>
    snapshotFromVehicleData(
      VIN,
      {
        vehicle_state: { odometer: 1000, timestamp: T0 + min * 60_000 },
        drive_state: { shift_state: 'P', speed: null, ...HOME },
        charge_state: {
          battery_level: Math.min(40 + i * 5, 70),
          charging_state: i === 0 ? 'Disconnected' : min < 110 ? 'Charging' : 'Complete',
          charge_energy_added: energy[i],
          charger_power: min < 110 && i > 0 ? 11 : 0,
        },
      },
      0,
    ),
  );
  for (const s of snapshots) await stores.putSnapshot(s);
  await history.saveHistoryStep(VIN, deriveHistory(snapshots, { packKwh: 75 }));
  await history.putMonth({ vin: VIN, month: '2026-06', distanceMi: 0, drives: 0, chargedKwh: 30, chargingSessions: 1, estimatedUsedKwh: 0, whPerMi: null });
  const handler = createApiHandler(
    memoryApiDeps({ stores, history, places, pricePerKwh: 0.3, clock: { now: () => T0 + 6 * 3_600_000 } }),
    new ApiTokenVerifier(() => Promise.resolve(TOKEN)),
  );
  handlerCsv = async (path) => {
    const res = await handler(
      httpEvent('GET', path, { token: TOKEN, headers: { accept: 'text/csv' }, query: { from: '2026-06', to: '2026-06' } }),
      {} as Context,
    );
    return res.body!;
  };
  call = async (method, path, body) => {
    const [bare, search] = path.split('?');
    const query = search ? Object.fromEntries(new URLSearchParams(search)) : undefined;
    const options = { token: TOKEN, ...(query ? { query } : {}), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) };
    const res = await handler(httpEvent(method, bare!, options), {} as Context);
    return { status: res.statusCode!, body: JSON.parse(res.body!) };
  };
});

interface ShownCharge {
  id: string;
  cost: number;
  tariffCost: { byPeriod: Array<{ period: string | null; kwh: number }> };
}
const charges = async (): Promise<ShownCharge[]> => (await call('GET', `/vehicles/${VIN}/charges?from=2026-06-10&to=2026-06-12`)).body.charges as ShownCharge[];

describe('places and their tariffs', () => {
  it('keeps a place and lists it', async () => {
    const put = await call('PUT', '/places/home', { name: 'Home', ...HOME, radiusM: 100, tariff: TOU });
    expect(put.status).toBe(200);
    expect(put.body.place).toMatchObject({ id: 'home', name: 'Home', tariff: { currency: 'EUR', perMinute: 0, sessionFee: 0 } });
    expect((await call('GET', '/places')).body.places).toHaveLength(1);
    expect((await call('DELETE', '/places/home')).status).toBe(200);
    expect((await call('GET', '/places/home')).status).toBe(404);
  });

  it.each([
    ['an unknown field', { name: 'Home', ...HOME, colour: 'red' }, 'colour'],
    ['an unknown tariff field', { name: 'Home', ...HOME, tariff: { ...TOU, vat: 0.19 } }, 'vat'],
    [
      'overlapping periods',
      { name: 'Home', ...HOME, tariff: { ...TOU, periods: [...TOU.periods, { name: 'x', from: '06:00', to: '08:00' }] } },
      'tariff.periods.2',
    ],
    ['an unknown currency', { name: 'Home', ...HOME, tariff: { ...TOU, currency: 'EURO' } }, 'tariff.currency'],
    ['an unknown zone', { name: 'Home', ...HOME, tariff: { ...TOU, timeZone: 'Europe/Atlantis' } }, 'tariff.timeZone'],
    ['a period past midnight', { name: 'Home', ...HOME, tariff: { ...TOU, periods: [{ name: 'n', from: '23:00', to: '07:00' }] } }, 'tariff.periods.0.to'],
  ])('refuses %s with a 400 naming it, and stores nothing', async (_what, body, field) => {
    const res = await call('PUT', '/places/home', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_place', message: expect.stringContaining(field) });
    expect(places.places.size).toBe(0);
  });

  it('prices a session at home by the tariff in force minute by minute, and says it is the tariff’s', async () => {
    expect((await charges())[0]).toMatchObject({ costSource: 'price', place: null });
    await call('PUT', '/places/home', { name: 'Home', ...HOME, tariff: TOU });
    const [session] = await charges();
    // 30 kWh at 0.3 kWh a minute from 22:10 to 23:50: 15 kWh before 23:00 at 0.40, 15 after at 0.25.
    expect(session).toMatchObject({ costSource: 'tariff', currency: 'EUR', place: { id: 'home', name: 'Home', chosen: false } });
    const byPeriod = Object.fromEntries(session!.tariffCost.byPeriod.map((p) => [p.period ?? 'base', p.kwh]));
    expect(byPeriod).toEqual({ base: 15, late: 15 });
    expect(session!.cost).toBe(9.75);
  });

  it('lets the owner choose a session’s place by hand, and a cost set by hand still wins', async () => {
    await call('PUT', '/places/work', { name: 'Work', latitude: 48.1, longitude: 11.5, tariff: { currency: 'EUR', timeZone: 'Europe/Berlin', perKwh: 0.1 } });
    const [session] = await charges();
    expect((await call('PATCH', `/vehicles/${VIN}/charges/${session!.id}`, { placeId: 'nowhere' })).status).toBe(404);
    const chosen = await call('PATCH', `/vehicles/${VIN}/charges/${session!.id}`, { placeId: 'work' });
    expect(chosen.body.charge).toMatchObject({ costSource: 'tariff', place: { id: 'work', chosen: true }, cost: 3 });
    const set = await call('PATCH', `/vehicles/${VIN}/charges/${session!.id}`, { cost: 4.2 });
    expect(set.body.charge).toMatchObject({ costSource: 'set', cost: 4.2, place: { id: 'work' } });
    expect((await call('PATCH', `/vehicles/${VIN}/charges/${session!.id}`, {})).status).toBe(400);
  });

  it('sums the month’s cost of driving by kind and place, in JSON and CSV', async () => {
    await call('PUT', '/places/home', { name: 'Home', kind: 'home', ...HOME, tariff: TOU });
    const { months } = (await call('GET', `/vehicles/${VIN}/months?from=2026-06&to=2026-06`)).body as {
      months: Array<{ costs: { energyKwhByKind: object; costByCurrency: object; estimated: boolean; costPer100Mi: number | null } }>;
    };
    const csvRes = await handlerCsv(`/vehicles/${VIN}/months`);
    expect(csvRes.split('\r\n')[1]).toContain(',30,0,0,EUR 9.75,true,,');
    expect(months[0]!.costs).toMatchObject({
      energyKwhByKind: { homeAc: 30, publicAc: 0, dc: 0 },
      costByCurrency: { EUR: 9.75 },
      estimated: true,
      costPer100Mi: null,
    });
  });
});
