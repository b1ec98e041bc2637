import * as z from 'zod';
import { lazily } from '../../domain/lazily';
import type { Snapshot } from '../../domain/snapshot';
import { DAY_MS } from '../../domain/clock';
import { dailyOdometerSeries, rawOdometerSeries, utcDate } from '../../domain/odometer-history';
import { badRequest } from '../api-error';
import type { ApiDeps } from '../api-deps';
import { csv, wantsCsv } from '../csv';
import { requireVin, validate } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';
import { isoInstant, resolveRange } from '../time-range';
import { nextPageCursor, orderParam, resolvePageQuery } from '../page-query';

const MAX_DAY_RANGE_DAYS = 3660;
const PAGE = 1000;

export const odometerQuerySchema = lazily(() =>
  z.strictObject({
    from: isoInstant().optional(),
    to: isoInstant().optional(),
    resolution: z.enum(['raw', 'day']).default('raw'),
    unit: z.enum(['mi', 'km']).default('mi'),
    limit: z.coerce.number().int().min(1).max(PAGE).default(500),
    cursor: z.string().max(1024).optional(),
  }),
);

export const snapshotsQuerySchema = lazily(() =>
  z.strictObject({
    from: isoInstant().optional(),
    to: isoInstant().optional(),
    limit: z.coerce.number().int().min(1).max(PAGE).default(200),
    order: orderParam(),
    cursor: z.string().max(1024).optional(),
  }),
);

const SNAPSHOT_COLUMNS = [
  'takenAt',
  'odometerMi',
  'batteryLevel',
  'rangeMi',
  'chargingState',
  'locked',
  'shiftState',
  'speedMph',
  'softwareVersion',
  'latitude',
  'longitude',
] as const;

/** History reads. JSON by default; `Accept: text/csv` gives the same rows as CSV (the next page's cursor in a header). */
export function odometerRoutes(deps: ApiDeps): Route[] {
  return [getOdometerRoute(deps), getSnapshotsRoute(deps)];
}

/** GET /vehicles/{vin}/odometer */
function getOdometerRoute(deps: ApiDeps): Route {
  return {
    method: 'GET',
    path: '/vehicles/{vin}/odometer',
    handle: async ({ params, query, event }) => {
      const vin = requireVin(params.vin);
      const q = validate(odometerQuerySchema(), query, 'invalid_query');
      if (q.resolution === 'raw') {
        const pq = resolvePageQuery(q, vin, deps.clock.now());
        const page = await deps.snapshots.snapshotsBetween(vin, { fromMs: pq.from, toMs: pq.to, limit: q.limit, cursor: pq.storeCursor });
        const readings = rawOdometerSeries(page.items, q.unit);
        const next = nextPageCursor(page.cursor, vin, pq);
        if (wantsCsv(event)) return csv(['at', 'odometer'], readings, next ? { 'x-next-cursor': next } : {});
        return json(200, {
          vin,
          unit: q.unit,
          resolution: 'raw',
          from: new Date(pq.from).toISOString(),
          to: new Date(pq.to).toISOString(),
          readings,
          nextCursor: next,
        });
      }
      const { from, to } = resolveRange(q, deps.clock.now());
      const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
      if (to - from > MAX_DAY_RANGE_DAYS * DAY_MS) {
        throw badRequest('invalid_query', `a daily series spans at most ${MAX_DAY_RANGE_DAYS} days`);
      }
      if (q.cursor !== undefined) throw badRequest('invalid_query', '`cursor` applies to resolution=raw only');
      // One item per day from the rollups: a year is ~366 small items, however often the car was polled.
      const { days, before } = await deps.snapshots.dayRollups(vin, utcDate(from), utcDate(to));
      const series = dailyOdometerSeries(days, before, q.unit);
      if (wantsCsv(event)) return csv(['date', 'first', 'last', 'distance'], series);
      return json(200, { vin, unit: q.unit, resolution: 'day', ...range, days: series });
    },
  };
}

/** GET /vehicles/{vin}/snapshots */
function getSnapshotsRoute(deps: ApiDeps): Route {
  return snapshotPageRoute(deps, '/vehicles/{vin}/snapshots', 'snapshots', SNAPSHOT_COLUMNS, ({ location, ...s }) => ({
    ...s,
    takenAt: new Date(s.takenAt).toISOString(),
    latitude: location?.latitude ?? null,
    longitude: location?.longitude ?? null,
  }));
}

/**
 * A page of the stored readings as rows (`row` may leave one out with null): JSON under `key`, or CSV with
 * `Accept: text/csv` (the next page's cursor then in `X-Next-Cursor`). Costs no Tesla request.
 */
export function snapshotPageRoute<R extends object>(
  deps: ApiDeps,
  path: string,
  key: string,
  columns: ReadonlyArray<keyof R & string>,
  row: (snapshot: Snapshot) => R | null,
): Route {
  return {
    method: 'GET',
    path,
    handle: async ({ params, query, event }) => {
      const vin = requireVin(params.vin);
      const q = validate(snapshotsQuerySchema(), query, 'invalid_query');
      const pq = resolvePageQuery(q, vin, deps.clock.now());
      const page = await deps.snapshots.snapshotsBetween(vin, {
        fromMs: pq.from,
        toMs: pq.to,
        limit: q.limit,
        cursor: pq.storeCursor,
        newestFirst: pq.newestFirst,
      });
      const next = nextPageCursor(page.cursor, vin, pq);
      const rows = page.items.map(row).filter((r): r is R => r !== null);
      if (wantsCsv(event)) return csv(columns, rows, next ? { 'x-next-cursor': next } : {});
      const from = new Date(pq.from).toISOString();
      return json(200, { vin, from, to: new Date(pq.to).toISOString(), order: pq.newestFirst ? 'newest' : 'oldest', [key]: rows, nextCursor: next });
    },
  };
}
