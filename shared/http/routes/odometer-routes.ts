import { z } from 'zod';
import { DAY_MS } from '../../domain/clock';
import { dailyOdometerSeries, rawOdometerSeries, utcDate } from '../../domain/odometer-history';
import { badRequest } from '../api-error';
import type { ApiDeps } from '../api-deps';
import { requireVin, validate } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_DAY_RANGE_DAYS = 3660;
const DEFAULT_RANGE_DAYS = 30;
const PAGE = 1000;

const isoInstant = z
  .string()
  .refine((v) => (DATE_ONLY.test(v) || DATE_TIME.test(v)) && !Number.isNaN(Date.parse(v)), {
    message: 'must be an ISO 8601 date (2026-01-31) or date-time with zone (2026-01-31T08:00:00Z)',
  });

export const odometerQuerySchema = z.strictObject({
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  resolution: z.enum(['raw', 'day']).default('raw'),
  unit: z.enum(['mi', 'km']).default('mi'),
  limit: z.coerce.number().int().min(1).max(PAGE).default(500),
  cursor: z.string().max(512).optional(),
});

/** `to` given as a date means the end of that (UTC) day. */
function toMs(value: string, endOfDay: boolean): number {
  const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  return DATE_ONLY.test(value) && endOfDay ? ms + DAY_MS - 1 : ms;
}

export function odometerRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/vehicles/{vin}/odometer',
      handle: async ({ params, query }) => {
        const vin = requireVin(params.vin);
        const q = validate(odometerQuerySchema, query, 'invalid_query');
        const to = q.to === undefined ? deps.clock.now() : toMs(q.to, true);
        const from = q.from === undefined ? to - DEFAULT_RANGE_DAYS * DAY_MS : toMs(q.from, false);
        if (from > to) throw badRequest('invalid_query', '`from` must not be after `to`');
        const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };

        if (q.resolution === 'raw') {
          const page = await deps.snapshots.snapshotsBetween(vin, { fromMs: from, toMs: to, limit: q.limit, cursor: q.cursor ?? null });
          return json(200, { vin, unit: q.unit, resolution: 'raw', ...range, readings: rawOdometerSeries(page.items, q.unit), nextCursor: page.cursor });
        }
        if (to - from > MAX_DAY_RANGE_DAYS * DAY_MS) {
          throw badRequest('invalid_query', `a daily series spans at most ${MAX_DAY_RANGE_DAYS} days`);
        }
        if (q.cursor !== undefined) throw badRequest('invalid_query', '`cursor` applies to resolution=raw only');
        // One item per day from the rollups: a year is ~366 small items, however often the car was polled.
        const { days, before } = await deps.snapshots.dayRollups(vin, utcDate(from), utcDate(to));
        return json(200, { vin, unit: q.unit, resolution: 'day', ...range, days: dailyOdometerSeries(days, before, q.unit) });
      },
    },
  ];
}
