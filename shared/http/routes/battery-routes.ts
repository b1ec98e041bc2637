import { batteryHealth } from '../../domain/battery/battery-health';
import { efficiencyBins } from '../../domain/efficiency/efficiency-bins';
import type { Drive } from '../../domain/history/history-records';
import { allPagesOf } from '../../domain/history/history-page';
import { ratedWhPerMiOf } from '../../domain/history/history-state';
import { ApiError } from '../api-error';
import type { ApiDeps } from '../api-deps';
import { requireVin, validate } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';
import { monthsQuerySchema } from './history-routes';

/** Months asked for (`from`, `to`, YYYY-MM; default the last 12) and their drives, as the insight routes read them. */
async function drivesOfMonths(deps: ApiDeps, vin: string, query: Record<string, string | undefined>): Promise<{ from: string; to: string; drives: Drive[] }> {
  const q = validate(monthsQuerySchema(), query, 'invalid_query');
  const to = q.to ?? new Date(deps.clock.now()).toISOString().slice(0, 7);
  const from = q.from ?? new Date(Date.parse(`${to}-01T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 7);
  if (from > to) throw new ApiError(400, 'invalid_query', '`from` must not be after `to`');
  const [y, m] = to.split('-').map(Number) as [number, number];
  const range = { fromMs: Date.parse(`${from}-01T00:00:00Z`), toMs: Date.UTC(y, m, 1) - 1 };
  return { from, to, drives: await allPagesOf((cursor) => deps.history.listDrives(vin, { ...range, limit: 500, cursor })) };
}

/** Battery health and efficiency from the derived drives (no Tesla request). */
export function batteryRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/vehicles/{vin}/battery-health',
      handle: async ({ params, query }) => {
        const vin = requireVin(params.vin);
        const [{ from, to, drives }, state] = await Promise.all([drivesOfMonths(deps, vin, query), deps.history.getHistoryState(vin)]);
        return json(200, { vin, from, to, ...batteryHealth(drives, state === null ? null : ratedWhPerMiOf(state)) });
      },
    },
    {
      method: 'GET',
      path: '/vehicles/{vin}/efficiency',
      handle: async ({ params, query }) => {
        const vin = requireVin(params.vin);
        const { from, to, drives } = await drivesOfMonths(deps, vin, query);
        return json(200, { vin, from, to, ...efficiencyBins(drives) });
      },
    },
  ];
}
