import type { ChargingSession, Drive, IdlePeriod } from '../domain/history/history-records';
import { placeAt, type Place } from '../domain/places/place';
import { billOf, type TeslaChargingRecord } from '../domain/supercharger/tesla-charging-record';
import type { PricedSession } from './charge-pricing';
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
/** A drive with the names of the places it started and ended at, where known. */
export type PlacedDrive = Drive & { fromPlace?: string | null; toPlace?: string | null };

export function withPlaces(d: Drive, places: readonly Place[]): PlacedDrive {
  // The owner's own place first; an imported drive without a position keeps the name its logger gave.
  return {
    ...d,
    fromPlace: placeAt(places, d.start.location)?.name ?? d.imported?.fromName ?? null,
    toPlace: placeAt(places, d.end.location)?.name ?? d.imported?.toName ?? null,
  };
}

export function driveView(d: PlacedDrive) {
  return {
    id: d.id,
    fromPlace: d.fromPlace ?? null,
    toPlace: d.toPlace ?? null,
    start: { ...d.start, at: iso(d.start.at) },
    /** It began after `startedAfter` (the last reading parked, or later: when the car woke) and by `startedBy`. */
    startedAfter: iso(d.startedAfter ?? d.start.at),
    startedBy: iso(d.startedBy),
    /** It ended after `endedAfter` and by `endedBy` (the first reading parked, or earlier: when the car fell asleep). */
    endedAfter: iso(d.endedAfter),
    endedBy: iso(d.endedBy ?? d.end.at),
    end: { ...d.end, at: iso(d.end.at) },
    distanceMi: d.distanceMi,
    distanceKm: Math.round(d.distanceMi * 1.609344 * 1000) / 1000,
    /** From `startedAfter` to `endedBy`: the longest the drive can have taken. */
    durationMinutes: Math.round(d.durationMs / 60_000),
    /** What the readings bound: at least from the first moving reading to the last, at most durationMinutes. */
    durationBounds: { atLeastMinutes: Math.max(0, Math.round((d.endedAfter - d.startedBy) / 60_000)), atMostMinutes: Math.round(d.durationMs / 60_000) },
    estimatedEnergyKwh: d.estimatedEnergyKwh,
    /** What the estimate came from (see EnergyEstimate); drives derived before it was kept: `battery_level`; null: none. */
    energyEstimate: d.estimatedEnergyKwh === null ? null : (d.energyEstimate ?? 'battery_level'),
    whPerMi: d.whPerMi,
    whPerKm: d.whPerKm,
    maxSpeedMph: d.maxSpeedMph,
    readings: d.readings,
    mayHideStops: d.mayHideStops,
    /** The logger an imported drive came from (`teslafi`: derived here from its readings; `teslamate`: its own record). */
    imported: d.imported?.source ?? null,
  };
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
    /** What the car drew from the charger (estimated from its draw at the readings), and the share of it lost. */
    energyUsedKwh: c.energyUsedKwh ?? null,
    lossPercent: lossPercentOf(c),
    peakPowerKw: c.peakPowerKw,
    kind: c.kind,
    location: c.location,
    durationMinutes: Math.round(c.durationMs / 60_000),
    readings: c.readings,
    cost: c.cost,
    costSource: c.costSource,
    costBasis: c.costBasis,
    currency: c.currency,
    tesla: c.tesla === null ? null : teslaBillView(c.tesla, c.id),
    place: c.place,
    tariffCost: c.tariffCost,
    imported: c.imported ? { source: c.imported.source, placeName: c.imported.placeName ?? null } : null,
  };
}

/** Charging losses as a share of what was drawn, or null when the draw is not known. */
function lossPercentOf(c: Pick<ChargingSession, 'energyAddedKwh' | 'energyUsedKwh'>): number | null {
  const used = c.energyUsedKwh;
  if (used === undefined || c.energyAddedKwh === null || used <= 0) return null;
  return Math.round(((used - c.energyAddedKwh) / used) * 1000) / 10;
}

/** Tesla's record of a Supercharger session as the API shows it: the site, the fees, the invoices (and where to get them). */
function teslaBillView(r: TeslaChargingRecord, chargeId: string) {
  const bill = billOf(r);
  return {
    sessionId: r.sessionId,
    site: r.site,
    startAt: iso(r.startAt),
    stopAt: r.stopAt === null ? null : iso(r.stopAt),
    unlatchAt: r.unlatchAt === null ? null : iso(r.unlatchAt),
    currency: bill.currency,
    chargingFee: bill.charging,
    idleFee: bill.parking,
    total: bill.total,
    fees: r.fees,
    invoiceIds: r.invoiceIds,
    invoices: r.invoiceIds.map((id) => ({ id, path: `/vehicles/${r.vin}/charges/${chargeId}/invoices/${encodeURIComponent(id)}` })),
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
    /** Ended as the car woke for a drive first seen under way: the end's level and range are estimated from it. */
    endedByWake: i.endedByWake === true,
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
  'endedByWake',
] as const;
export const DRIVE_COLUMNS = [
  'id',
  'startAt',
  'endAt',
  'startedAfter',
  'startedBy',
  'endedAfter',
  'endedBy',
  'startOdometerMi',
  'endOdometerMi',
  'distanceMi',
  'distanceKm',
  'durationMinutes',
  'estimatedEnergyKwh',
  'energyEstimate',
  'whPerMi',
  'maxSpeedMph',
  'mayHideStops',
  'fromPlace',
  'toPlace',
  'imported',
] as const;
export const CHARGE_COLUMNS = [
  'id',
  'startAt',
  'endBy',
  'startBatteryLevel',
  'endBatteryLevel',
  'energyAddedKwh',
  'energyUsedKwh',
  'lossPercent',
  'peakPowerKw',
  'kind',
  'durationMinutes',
  'cost',
  'costSource',
  'costBasis',
  'currency',
  'imported',
] as const;
