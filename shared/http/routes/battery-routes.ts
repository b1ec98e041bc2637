import { batteryHealth } from '../../domain/battery/battery-health';
import { efficiencyBins } from '../../domain/efficiency/efficiency-bins';
import type { Drive } from '../../domain/history/history-records';
import { allPagesOf } from '../../domain/history/history-page';
import { ratedWhPerMiOf } from '../../domain/history/history-state';
import type { ApiDeps } from '../api-deps';
import { requireVin } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';
import { monthsAsked } from './history-routes';
import { monthRange } from '../../domain/history/monthly-totals';
import { DAY_MS } from '../../domain/clock';

/** The drives of the months asked for (default the last twelve), as the insight routes read them. */
async function drivesOfMonths(
  deps: ApiDeps,
  vin: string,
  query: Record<string, string | undefined>,
): Promise<{ from: string; to: string; range: { fromMs: number; toMs: number }; drives: Drive[] }> {
  const { from, to } = monthsAsked(query, deps.clock.now());
  const range = { fromMs: monthRange(from).fromMs, toMs: monthRange(to).toMs };
  return { from, to, range, drives: await allPagesOf((cursor) => deps.history.listDrives(vin, { ...range, limit: 500, cursor })) };
}

/** Battery health and efficiency from the derived drives (no Tesla request). */
export function batteryRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/vehicles/{vin}/battery-health',
      handle: async ({ params, query }) => {
        const vin = requireVin(params.vin);
        const [{ from, to, range, drives }, state] = await Promise.all([drivesOfMonths(deps, vin, query), deps.history.getHistoryState(vin)]);
        // Sessions from a day before: a drive early on the first day may follow one.
        const charges = await allPagesOf((cursor) => deps.history.listCharges(vin, { fromMs: range.fromMs - DAY_MS, toMs: range.toMs, limit: 500, cursor }));
        return json(200, { vin, from, to, ...batteryHealth(drives, charges, state === null ? null : ratedWhPerMiOf(state)) });
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
