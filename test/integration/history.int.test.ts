import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalHost, type LocalHost } from '../../infra/local/local-host';
import { DEFAULT_SIM_VIN } from '../../infra/simulator/fleet-simulator';
import { SimClock } from '../../infra/simulator/sim-clock';
import { parseLocalSettings } from '../../shared/config/local-settings';
import { MINUTE_MS } from '../../shared/domain/clock';
import { T0 } from '../support/sim-client';

const VIN = DEFAULT_SIM_VIN;
const PARKER = '5YJ3E7EB0SF000042';
let host: LocalHost;
const clock = new SimClock(T0, 0);

async function api(path: string, accept = 'application/json', init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${host.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${host.apiToken}`, accept, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

beforeAll(async () => {
  const settings = parseLocalSettings({ DATA_DIR: await mkdtemp(join(tmpdir(), 'history-')), PORT: '0', PRICE_PER_KWH: '0.30' }, process.cwd());
  host = await startLocalHost(settings, {
    simulator: {
      clock,
      cars: [
        { vin: VIN, id: 1, displayName: 'Sim', odometerMi: 12_000, batteryLevel: 60 },
        // Drives at minutes 0 and 150, parked between (the owner's phone wakes it 2 minutes before the second drive).
        {
          vin: PARKER,
          id: 2,
          displayName: 'Parker',
          odometerMi: 5_000,
          batteryLevel: 70,
          anchor: T0,
          profile: {
            periodMinutes: 1440,
            wakeBeforeDriveMinutes: 2,
            segments: [
              { activity: 'drive', startMinute: 0, minutes: 10, speedMph: 30 },
              { activity: 'drive', startMinute: 150, minutes: 10, speedMph: 30 },
            ],
          },
        },
      ],
    },
    schedule: false,
  });
  // Three hours of the demo car (drive 12 min at the top of each hour, charge from minute 40), a pass a minute.
  for (let minute = 0; minute < 3 * 60; minute++) {
    await host.collectNow();
    clock.advance(MINUTE_MS);
  }
});
afterAll(() => host.stop());

describe('history derived as the collector reads, through the API', () => {
  it('records every drive the simulated car made, with the odometer distance it drove', async () => {
    const res = await api(`/vehicles/${VIN}/drives?from=2026-03-01&to=2026-03-03`);
    expect(res.status).toBe(200);
    const { drives } = JSON.parse(res.text) as {
      drives: Array<{ id: string; distanceMi: number; start: { at: string }; end: { at: string }; readings: number }>;
    };
    const trips = host.simulator!.car(VIN).truth.trips.filter((t) => t.endAt !== null);
    expect(drives).toHaveLength(trips.length);
    expect(trips.length).toBeGreaterThanOrEqual(2);
    for (const [i, trip] of trips.entries()) {
      expect(Math.abs(drives[i]!.distanceMi - (trip.endOdometerMi! - trip.startOdometerMi))).toBeLessThanOrEqual(0.1);
      expect(Date.parse(drives[i]!.start.at)).toBeLessThanOrEqual(trip.startAt);
      expect(Date.parse(drives[i]!.end.at)).toBeGreaterThanOrEqual(trip.endAt!);
    }

    const detail = await api(`/vehicles/${VIN}/drives/${drives[0]!.id}`);
    expect(detail.status).toBe(200);
    const body = JSON.parse(detail.text) as { drive: { id: string }; readings: unknown[] };
    expect(body.drive.id).toBe(drives[0]!.id);
    expect(body.readings.length).toBeGreaterThanOrEqual(2);
  });

  it('records the charging sessions, with kWh and AC', async () => {
    const { charges } = JSON.parse((await api(`/vehicles/${VIN}/charges?from=2026-03-01&to=2026-03-03`)).text) as {
      charges: Array<{ kind: string; energyAddedKwh: number | null; start: { batteryLevel: number }; end: { batteryLevel: number } }>;
    };
    expect(charges.length).toBeGreaterThanOrEqual(2);
    for (const c of charges) {
      expect(c.kind).toBe('ac');
      expect(c.energyAddedKwh).toBeGreaterThan(0);
      expect(c.end.batteryLevel).toBeGreaterThan(c.start.batteryLevel);
    }
  });

  it('serves drives as CSV, pages with a cursor that belongs to its query, and answers bad ids and cursors with 4xx', async () => {
    const csv = await api(`/vehicles/${VIN}/drives?from=2026-03-01&to=2026-03-03`, 'text/csv');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe(
      'id,startAt,endAt,startedAfter,startedBy,endedAfter,endedBy,startOdometerMi,endOdometerMi,distanceMi,distanceKm,durationMinutes,estimatedEnergyKwh,energyEstimate,whPerMi,maxSpeedMph,mayHideStops,fromPlace,toPlace,imported',
    );

    const first = JSON.parse((await api(`/vehicles/${VIN}/drives?from=2026-03-01&to=2026-03-03&limit=1`)).text) as {
      nextCursor: string;
      drives: Array<{ id: string }>;
    };
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = JSON.parse((await api(`/vehicles/${VIN}/drives?from=2026-03-01&to=2026-03-03&limit=1&cursor=${first.nextCursor}`)).text) as {
      drives: Array<{ id: string }>;
    };
    expect(second.drives[0]!.id).not.toBe(first.drives[0]!.id);
    expect((await api(`/vehicles/${VIN}/drives?from=2026-03-02&to=2026-03-03&cursor=${first.nextCursor}`)).status).toBe(400);
    expect(JSON.parse((await api(`/vehicles/${VIN}/drives/123`)).text)).toMatchObject({ error: { code: 'drive_not_found' } });
    expect(JSON.parse((await api(`/vehicles/${VIN}/drives/abc`)).text)).toMatchObject({ error: { code: 'invalid_drive_id' } });
    expect((await api(`/vehicles/${VIN}/drives?limit=0`)).status).toBe(400);
  });

  it('keeps monthly totals equal to the month’s drives and sessions, as JSON and CSV', async () => {
    const { drives } = JSON.parse((await api(`/vehicles/${VIN}/drives?from=2026-03-01&to=2026-03-31`)).text) as { drives: Array<{ distanceMi: number }> };
    const { charges } = JSON.parse((await api(`/vehicles/${VIN}/charges?from=2026-03-01&to=2026-03-31`)).text) as {
      charges: Array<{ energyAddedKwh: number }>;
    };
    const { months } = JSON.parse((await api(`/vehicles/${VIN}/months?from=2026-01&to=2026-03`)).text) as { months: Array<Record<string, number | string>> };
    expect(months).toHaveLength(1);
    expect(months[0]).toMatchObject({ month: '2026-03', drives: drives.length, chargingSessions: charges.length });
    expect(months[0]!.distanceMi).toBeCloseTo(
      drives.reduce((s, d) => s + d.distanceMi, 0),
      3,
    );
    expect(months[0]!.chargedKwh).toBeCloseTo(
      charges.reduce((s, c) => s + c.energyAddedKwh, 0),
      2,
    );
    expect((await api(`/vehicles/${VIN}/months?from=2026-03`, 'text/csv')).text.split('\r\n')[0]).toBe(
      'month,distanceMi,distanceKm,drives,chargedKwh,chargingSessions,estimatedUsedKwh,whPerMi,homeAcKwh,publicAcKwh,dcKwh,cost,costEstimated,costPer100Mi,costPer100Km',
    );
    expect(JSON.parse((await api(`/vehicles/${VIN}/months?from=2026-13`)).text)).toMatchObject({ error: { code: 'invalid_query' } });
  });

  it('keeps a tamper-evident trip logbook: purposes and notes as new entries, CSV for a tax office, a chain that verifies', async () => {
    const { drives } = JSON.parse((await api(`/vehicles/${VIN}/drives?from=2026-03-01&to=2026-03-03`)).text) as {
      drives: Array<{ id: string; start: { odometerMi: number }; end: { odometerMi: number } }>;
    };
    const id = drives[0]!.id;
    const first = await api(`/vehicles/${VIN}/drives/${id}`, 'application/json', { method: 'PATCH', body: { purpose: 'business', note: 'client visit' } });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ purpose: 'business', note: 'client visit', entry: { hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const second = JSON.parse(
      (await api(`/vehicles/${VIN}/drives/${id}`, 'application/json', { method: 'PATCH', body: { note: 'client visit, Acme' } })).text,
    ) as { purpose: string; note: string };
    expect(second).toMatchObject({ purpose: 'business', note: 'client visit, Acme' }); // the purpose carried over

    const book = JSON.parse((await api(`/vehicles/${VIN}/logbook?year=2026&tz=Europe/Berlin`)).text) as { entries: Array<Record<string, unknown>> };
    expect(book.entries).toHaveLength(drives.length);
    expect(book.entries[0]).toMatchObject({
      driveId: id,
      purpose: 'business',
      note: 'client visit, Acme',
      edits: 1,
      startOdometerMi: drives[0]!.start.odometerMi,
      endOdometerMi: drives[0]!.end.odometerMi,
    });
    const csv = await api(`/vehicles/${VIN}/logbook?year=2026&tz=Europe/Berlin`, 'text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="logbook-/);
    expect(csv.text.split('\r\n')[0]).toBe(
      'start,end,startEarliest,startLatest,endEarliest,endLatest,startOdometerMi,endOdometerMi,distanceMi,distanceKm,purpose,note,from,to,fromPlace,toPlace,imported,driveId,edits,prevHash,hash',
    );
    expect(JSON.parse((await api(`/vehicles/${VIN}/logbook/verify`)).text)).toMatchObject({ intact: true, brokenAtSeq: null, changedDrives: [] });

    // Bad input: 4xx naming the field; nothing recorded changes.
    const bad = async (path: string, body?: unknown) =>
      JSON.parse((await api(path, 'application/json', body === undefined ? {} : { method: 'PATCH', body })).text) as {
        error: { code: string; message: string };
      };
    expect((await bad(`/vehicles/${VIN}/drives/${id}`, { purpose: 'holiday' })).error).toMatchObject({
      code: 'invalid_body',
      message: expect.stringContaining('purpose'),
    });
    expect((await bad(`/vehicles/${VIN}/drives/${id}`, { endOdometerMi: 1 })).error.code).toBe('invalid_body');
    expect((await bad(`/vehicles/${VIN}/drives/${id}`, { note: 'x'.repeat(501) })).error.message).toContain('note');
    expect((await bad(`/vehicles/${VIN}/drives/999`, { note: 'x' })).error.code).toBe('drive_not_found');
    expect((await bad(`/vehicles/${VIN}/logbook?tz=Mars/Olympus`)).error).toMatchObject({ code: 'invalid_query', message: expect.stringContaining('tz') });
    expect(JSON.parse((await api(`/vehicles/${VIN}/drives/${id}`)).text)).toMatchObject({ drive: { start: { odometerMi: drives[0]!.start.odometerMi } } });
  });

  it('prices each session at the configured kWh price, and keeps a cost the owner sets (null goes back to the price)', async () => {
    const list = async () =>
      (
        JSON.parse((await api(`/vehicles/${VIN}/charges?from=2026-03-01&to=2026-03-03`)).text) as {
          charges: Array<{ id: string; energyAddedKwh: number; cost: number; costSource: string }>;
        }
      ).charges;
    const [first] = await list();
    expect(first!.costSource).toBe('price');
    expect(first!.cost).toBeCloseTo(first!.energyAddedKwh * 0.3, 2);
    const set = await api(`/vehicles/${VIN}/charges/${first!.id}`, 'application/json', { method: 'PATCH', body: { cost: 4.2 } });
    expect(JSON.parse(set.text)).toMatchObject({ charge: { id: first!.id, cost: 4.2, costSource: 'set' } });
    expect((await list())[0]).toMatchObject({ cost: 4.2, costSource: 'set' });
    await api(`/vehicles/${VIN}/charges/${first!.id}`, 'application/json', { method: 'PATCH', body: { cost: null } });
    expect((await list())[0]).toMatchObject({ costSource: 'price' });
    const bad = async (id: string, body: unknown) =>
      (
        JSON.parse((await api(`/vehicles/${VIN}/charges/${id}`, 'application/json', { method: 'PATCH', body })).text) as {
          error: { code: string; message: string };
        }
      ).error;
    expect(await bad(first!.id, { cost: -1 })).toMatchObject({ code: 'invalid_body', message: expect.stringContaining('cost') });
    expect(await bad(first!.id, { cost: '4' })).toMatchObject({ code: 'invalid_body' });
    expect(await bad('42', { cost: 1 })).toMatchObject({ code: 'charge_not_found' });
    expect(await bad('x', { cost: 1 })).toMatchObject({ code: 'invalid_charge_id' });
  });

  it('serves idle periods (none here: the demo car is never parked an hour) as JSON and CSV', async () => {
    const res = await api(`/vehicles/${VIN}/idles?from=2026-03-01&to=2026-03-03`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ vin: VIN, idles: [] });
    expect((await api(`/vehicles/${VIN}/idles`, 'text/csv')).text.split('\r\n')[0]).toBe(
      'id,startAt,endAt,hours,startBatteryLevel,endBatteryLevel,batteryLost,rangeLostMi,drainPercentPerDay,asleepShare,endedByCharge,endedByWake',
    );
  });

  it('records a car parked over two hours as an idle period: its drain, and how long the list showed it asleep', async () => {
    const { idles } = JSON.parse((await api(`/vehicles/${PARKER}/idles?from=2026-03-01&to=2026-03-03`)).text) as {
      idles: Array<{ startAt: string; endAt: string; batteryLost: number; asleepShare: number; endedByCharge: boolean }>;
    };
    expect(idles).toHaveLength(1);
    const [idle] = idles;
    // From the reading after the first drive (minutes 10–11) to the one when the owner's phone woke it (148–149).
    expect((Date.parse(idle!.startAt) - T0) / MINUTE_MS).toBeGreaterThanOrEqual(10);
    expect((Date.parse(idle!.startAt) - T0) / MINUTE_MS).toBeLessThanOrEqual(12);
    expect((Date.parse(idle!.endAt) - T0) / MINUTE_MS).toBeGreaterThanOrEqual(148);
    expect((Date.parse(idle!.endAt) - T0) / MINUTE_MS).toBeLessThan(150);
    // Asleep from 15 minutes after the last read (the settling read a driving interval after the one that found it
    // parked: minute 15–16, so asleep at 30–31) until the phone woke it (148): the list saw it within a minute.
    const truth = (148 - 30.5) / ((Date.parse(idle!.endAt) - Date.parse(idle!.startAt)) / MINUTE_MS);
    expect(Math.abs(idle!.asleepShare - truth)).toBeLessThanOrEqual(0.02);
    expect(idle!.endedByCharge).toBe(false);
    expect(idle!.batteryLost).toBeGreaterThanOrEqual(0);
    expect(idle!.batteryLost).toBeLessThanOrEqual(1); // whole % from the car: a sleeping car loses little in two hours
  });

  it('records the software version once', async () => {
    const { versions } = JSON.parse((await api(`/vehicles/${VIN}/updates`)).text) as { versions: Array<{ version: string }> };
    expect(versions).toHaveLength(1);
  });
});
