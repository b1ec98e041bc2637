import * as z from 'zod';
import { lazily } from '../../domain/lazily';
import type { Drive } from '../../domain/history/history-records';
import type { HistoryPage, HistoryQuery } from '../../domain/history/history-store';
import { ApiError } from '../api-error';
import type { ApiDeps } from '../api-deps';
import { csv, wantsCsv } from '../csv';
import { jsonObjectBody, requireRecordId, requireVin, validate } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';
import { isoInstant } from '../time-range';
import { nextPageCursor, orderParam, resolvePageQuery } from '../page-query';
import { priceSessions, type PricedSession } from '../charge-pricing';
import { costsOfMonths, monthCostColumns } from '../month-costs-view';
import { PLACE_ID } from './place-schema';
import { placesOf } from './place-routes';
import { CHARGE_COLUMNS, chargeView, DRIVE_COLUMNS, driveView, gpx, IDLE_COLUMNS, idleView, iso, withPlaces, type PlacedDrive } from '../history-views';

export const historyQuerySchema = lazily(() =>
  z.strictObject({
    from: isoInstant().optional(),
    to: isoInstant().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    order: orderParam(),
    cursor: z.string().max(1024).optional(),
  }),
);

export const monthsQuerySchema = lazily(() => {
  const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like 2026-03');
  return z.strictObject({ from: month.optional(), to: month.optional() });
});
const MONTH_COLUMNS = [
  'month',
  'distanceMi',
  'distanceKm',
  'drives',
  'chargedKwh',
  'chargingSessions',
  'estimatedUsedKwh',
  'whPerMi',
  'homeAcKwh',
  'publicAcKwh',
  'dcKwh',
  'cost',
  'costEstimated',
  'costPer100Mi',
  'costPer100Km',
] as const;

/**
 * A session's cost in the owner's currency (null clears it: Tesla's bill, the place's tariff or the configured price
 * applies again), and the place it was at, chosen by hand (null: by its location again). At least one of them.
 */
export const chargeCostSchema = lazily(() =>
  z
    .strictObject({
      cost: z.number().min(0).max(100_000).nullable().optional(),
      placeId: z.string().regex(PLACE_ID, 'must be a place id').nullable().optional(),
    })
    .refine((b) => b.cost !== undefined || b.placeId !== undefined, { message: 'give cost, placeId, or both' }),
);
/** The drive, or 404 drive_not_found. */
export async function requireDrive(deps: ApiDeps, vin: string, id: string): Promise<Drive> {
  const drive = await deps.history.getDrive(vin, id);
  if (drive === null) throw new ApiError(404, 'drive_not_found', `no drive ${id} for ${vin}`);
  return drive;
}

/** The months a query asks for (`from`, `to`, YYYY-MM), by default the twelve up to this one; a 400 when they are not. */
export function monthsAsked(query: Record<string, string | undefined>, now: number): { from: string; to: string } {
  const q = validate(monthsQuerySchema(), query, 'invalid_query');
  const to = q.to ?? iso(now).slice(0, 7);
  const from = q.from ?? iso(Date.parse(`${to}-01T00:00:00Z`) - 330 * 86_400_000).slice(0, 7);
  if (from > to) throw new ApiError(400, 'invalid_query', '`from` must not be after `to`');
  return { from, to };
}

/** Drives with the places they started and ended at (when location is recorded and the owner named places). */
async function placedDrives(deps: ApiDeps, vin: string, query: HistoryQuery): Promise<HistoryPage<PlacedDrive>> {
  const [page, places] = await Promise.all([deps.history.listDrives(vin, query), deps.places ? deps.places.listPlaces() : Promise.resolve([])]);
  return { items: page.items.map((d) => withPlaces(d, places)), cursor: page.cursor };
}

async function pricedCharges(deps: ApiDeps, vin: string, query: HistoryQuery): Promise<HistoryPage<PricedSession>> {
  const page = await deps.history.listCharges(vin, query);
  return { items: await priceSessions(deps, vin, page.items), cursor: page.cursor };
}

/**
 * A paginated list of derived records over a time range: JSON (`key` holds the items), or CSV with `Accept: text/csv`
 * (the next page's cursor then in `X-Next-Cursor`).
 */
function pagedRoute<R, V, C extends object>(
  deps: ApiDeps,
  path: string,
  key: string,
  list: (vin: string, query: HistoryQuery) => Promise<HistoryPage<R>>,
  view: (record: R) => V,
  columns: ReadonlyArray<keyof C & string>,
  csvRow: (item: V) => C,
): Route {
  return {
    method: 'GET',
    path,
    handle: async ({ params, query, event }) => {
      const vin = requireVin(params.vin);
      const q = validate(historyQuerySchema(), query, 'invalid_query');
      const pq = resolvePageQuery(q, vin, deps.clock.now());
      const page = await list(vin, { fromMs: pq.from, toMs: pq.to, limit: q.limit, cursor: pq.storeCursor, newestFirst: pq.newestFirst });
      const items = page.items.map(view);
      const next = nextPageCursor(page.cursor, vin, pq);
      if (wantsCsv(event)) return csv(columns, items.map(csvRow), next ? { 'x-next-cursor': next } : {});
      return json(200, { vin, from: iso(pq.from), to: iso(pq.to), order: pq.newestFirst ? 'newest' : 'oldest', [key]: items, nextCursor: next });
    },
  };
}

/** Drives, charging sessions and software versions derived from the stored snapshots; none of these calls Tesla. */
export function historyRoutes(deps: ApiDeps): Route[] {
  return [
    pagedRoute(
      deps,
      '/vehicles/{vin}/drives',
      'drives',
      (vin, q) => placedDrives(deps, vin, q),
      driveView,
      DRIVE_COLUMNS,
      (d) => ({
        ...d,
        startAt: d.start.at,
        endAt: d.end.at,
        startOdometerMi: d.start.odometerMi,
        endOdometerMi: d.end.odometerMi,
      }),
    ),
    getDrivesOneRoute(deps),
    pagedRoute(
      deps,
      '/vehicles/{vin}/charges',
      'charges',
      (vin, q) => pricedCharges(deps, vin, q),
      chargeView,
      CHARGE_COLUMNS,
      (c) => ({
        ...c,
        startAt: c.start.at,
        startBatteryLevel: c.start.batteryLevel,
        endBatteryLevel: c.end.batteryLevel,
      }),
    ),
    pagedRoute(
      deps,
      '/vehicles/{vin}/idles',
      'idles',
      (vin, q) => deps.history.listIdles(vin, q),
      idleView,
      IDLE_COLUMNS,
      (i) => i,
    ),
    patchChargesOneRoute(deps),
    getMonthsRoute(deps),
    getUpdatesRoute(deps),
  ];
}

/** GET /vehicles/{vin}/drives/{id} */
function getDrivesOneRoute(deps: ApiDeps): Route {
  return {
    method: 'GET',
    path: '/vehicles/{vin}/drives/{id}',
    handle: async ({ params, event }) => {
      const vin = requireVin(params.vin);
      const id = requireRecordId(params.id, 'drive');
      const drive = await requireDrive(deps, vin, id);
      // The readings that bound and fill the drive, as stored (at most a few dozen: a driving car is read every few minutes).
      const page = await deps.snapshots.snapshotsBetween(vin, { fromMs: drive.start.at, toMs: drive.end.at, limit: 1000 });
      const readings = page.items.map((s) => ({
        at: iso(s.takenAt),
        odometerMi: s.odometerMi,
        speedMph: s.speedMph,
        batteryLevel: s.batteryLevel,
        shiftState: s.shiftState,
        location: s.location,
      }));
      if (/\bapplication\/gpx\+xml\b/i.test(event.headers.accept ?? '')) {
        const points = readings.filter((r): r is typeof r & { location: { latitude: number; longitude: number } } => r.location !== null);
        if (points.length === 0)
          throw new ApiError(404, 'no_track', 'this drive has no positions: turn location on (INCLUDE_LOCATION / includeLocation) to record tracks');
        return gpx(
          `Drive ${drive.id}`,
          points.map((p) => ({ at: p.at, ...p.location })),
        );
      }
      return json(200, { vin, drive: driveView(drive), readings });
    },
  };
}

/** PATCH /vehicles/{vin}/charges/{id} */
function patchChargesOneRoute(deps: ApiDeps): Route {
  return {
    method: 'PATCH',
    path: '/vehicles/{vin}/charges/{id}',
    handle: async ({ params, event }) => {
      const vin = requireVin(params.vin);
      const id = requireRecordId(params.id, 'charge');
      const { cost, placeId } = validate(chargeCostSchema(), jsonObjectBody(event), 'invalid_body');
      const session = await deps.history.getCharge(vin, id);
      if (session === null) throw new ApiError(404, 'charge_not_found', `no charging session ${id} for ${vin}`);
      // Checked before anything is stored, so a bad place leaves the cost as it was too.
      if (placeId != null && (await placesOf(deps).getPlace(placeId)) === null) throw new ApiError(404, 'place_not_found', `no place ${placeId}`);
      if (placeId !== undefined) await placesOf(deps).putChargePlace(vin, id, placeId);
      if (cost !== undefined) await deps.history.putChargeCost(vin, id, cost);
      const [shown] = await priceSessions(deps, vin, [session]);
      return json(200, { vin, charge: chargeView(shown!) });
    },
  };
}

/** GET /vehicles/{vin}/months */
function getMonthsRoute(deps: ApiDeps): Route {
  return {
    method: 'GET',
    path: '/vehicles/{vin}/months',
    handle: async ({ params, query, event }) => {
      const vin = requireVin(params.vin);
      const { from, to } = monthsAsked(query, deps.clock.now());
      const totals = await deps.history.listMonths(vin, from, to);
      const costs = await costsOfMonths(deps, vin, totals, from, to);
      const months = totals.map((m) => ({ ...m, distanceKm: Math.round(m.distanceMi * 1609.344) / 1000 }));
      if (wantsCsv(event))
        return csv(
          MONTH_COLUMNS,
          months.map((m) => ({ ...m, ...monthCostColumns(costs.get(m.month)) })),
        );
      return json(200, { vin, from, to, months: months.map((m) => ({ ...m, costs: costs.get(m.month) ?? null })) });
    },
  };
}

/** GET /vehicles/{vin}/updates */
function getUpdatesRoute(deps: ApiDeps): Route {
  return {
    method: 'GET',
    path: '/vehicles/{vin}/updates',
    handle: async ({ params }) => {
      const vin = requireVin(params.vin);
      const versions = await deps.history.listVersions(vin);
      return json(200, { vin, versions: versions.map((v) => ({ version: v.version, firstSeenAt: iso(v.firstSeenAt) })) });
    },
  };
}
