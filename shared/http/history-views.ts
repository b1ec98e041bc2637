import type { ChargingSession, Drive, IdlePeriod } from '../domain/history/history-records';
import type { HttpResult } from './responses';

/** How history records are shown by the API: its JSON views, CSV columns, and a drive's GPX track. */

export const iso = (ms: number): string => new Date(ms).toISOString();

/** A GPX 1.1 track of the readings' positions (numbers and times only: nothing to escape but the fixed name). */
export function gpx(name: string, points: Array<{ at: string; latitude: number; longitude: number }>): HttpResult {
  const trkpts = points.map((p) => `<trkpt lat="${p.latitude}" lon="${p.longitude}"><time>${p.at}</time></trkpt>`).join('');
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/gpx+xml; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
    body: `<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="tesla-fleet-logger" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>${name}</name><trkseg>${trkpts}</trkseg></trk></gpx>`,
  };
}

/** A drive as the API shows it: times as ISO strings, distance in both units. */
export function driveView(d: Drive) {
  return {
    id: d.id,
    start: { ...d.start, at: iso(d.start.at) },
    startedBy: iso(d.startedBy),
    endedAfter: iso(d.endedAfter),
    end: { ...d.end, at: iso(d.end.at) },
    distanceMi: d.distanceMi,
    distanceKm: Math.round(d.distanceMi * 1.609344 * 1000) / 1000,
    /** From the last reading parked to the first parked again: the longest the drive can have taken. */
    durationMinutes: Math.round(d.durationMs / 60_000),
    /** What the readings bound: at least from the first moving reading to the last, at most durationMinutes. */
    durationBounds: { atLeastMinutes: Math.max(0, Math.round((d.endedAfter - d.startedBy) / 60_000)), atMostMinutes: Math.round(d.durationMs / 60_000) },
    estimatedEnergyKwh: d.estimatedEnergyKwh,
    whPerMi: d.whPerMi,
    whPerKm: d.whPerKm,
    maxSpeedMph: d.maxSpeedMph,
    readings: d.readings,
    mayHideStops: d.mayHideStops,
  };
}

/** A session's cost: the one the owner set, else its kWh at the configured price, else unknown. */
export type PricedSession = ChargingSession & { cost: number | null; costSource: 'set' | 'price' | null };

export function priced(c: ChargingSession, costs: ReadonlyMap<string, number>, pricePerKwh: number | null | undefined): PricedSession {
  const set = costs.get(c.id);
  if (set !== undefined) return { ...c, cost: set, costSource: 'set' };
  if (pricePerKwh != null && c.energyAddedKwh !== null) return { ...c, cost: Math.round(c.energyAddedKwh * pricePerKwh * 100) / 100, costSource: 'price' };
  return { ...c, cost: null, costSource: null };
}

export function chargeView(c: PricedSession) {
  return {
    id: c.id,
    startedAfter: iso(c.startedAfter),
    start: { ...c.start, at: iso(c.start.at) },
    lastChargingAt: iso(c.lastChargingAt),
    endBy: iso(c.endBy),
    end: { ...c.end, at: iso(c.end.at) },
    energyAddedKwh: c.energyAddedKwh,
    peakPowerKw: c.peakPowerKw,
    kind: c.kind,
    location: c.location,
    durationMinutes: Math.round(c.durationMs / 60_000),
    readings: c.readings,
    cost: c.cost,
    costSource: c.costSource,
  };
}

export function idleView(i: IdlePeriod) {
  return {
    id: i.id,
    startAt: iso(i.startAt),
    endAt: iso(i.endAt),
    hours: Math.round(i.durationMs / 360_000) / 10,
    startBatteryLevel: i.startBatteryLevel,
    endBatteryLevel: i.endBatteryLevel,
    batteryLost: i.batteryLost,
    rangeLostMi: i.rangeLostMi,
    drainPercentPerDay: i.drainPercentPerDay,
    // Older records (derived before sleep was observed) have none: unknown, not "never asleep".
    asleepShare: i.asleepShare ?? null,
    endedByCharge: i.endedByCharge === true,
  };
}

export const IDLE_COLUMNS = [
  'id',
  'startAt',
  'endAt',
  'hours',
  'startBatteryLevel',
  'endBatteryLevel',
  'batteryLost',
  'rangeLostMi',
  'drainPercentPerDay',
  'asleepShare',
  'endedByCharge',
] as const;
export const DRIVE_COLUMNS = [
  'id',
  'startAt',
  'endAt',
  'startOdometerMi',
  'endOdometerMi',
  'distanceMi',
  'distanceKm',
  'durationMinutes',
  'estimatedEnergyKwh',
  'whPerMi',
  'maxSpeedMph',
  'mayHideStops',
] as const;
export const CHARGE_COLUMNS = [
  'id',
  'startAt',
  'endBy',
  'startBatteryLevel',
  'endBatteryLevel',
  'energyAddedKwh',
  'peakPowerKw',
  'kind',
  'durationMinutes',
  'cost',
] as const;
