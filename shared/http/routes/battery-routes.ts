import { batteryHealth } from '../../domain/battery/battery-health';
import { allPagesOf } from '../../domain/history/history-page';
import { ratedWhPerMiOf } from '../../domain/history/history-state';
import { ApiError } from '../api-error';
import type { ApiDeps } from '../api-deps';
import { requireVin, validate } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';
import { monthsQuerySchema } from './history-routes';

/** Battery health from the derived drives (no Tesla request): the full rated range per month, its spread, the loss. */
export function batteryRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/vehicles/{vin}/battery-health',
      handle: async ({ params, query }) => {
        const vin = requireVin(params.vin);
        const q = validate(monthsQuerySchema(), query, 'invalid_query');
        const to = q.to ?? new Date(deps.clock.now()).toISOString().slice(0, 7);
        const from = q.from ?? new Date(Date.parse(`${to}-01T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 7);
        if (from > to) throw new ApiError(400, 'invalid_query', '`from` must not be after `to`');
        const [y, m] = to.split('-').map(Number) as [number, number];
        const range = { fromMs: Date.parse(`${from}-01T00:00:00Z`), toMs: Date.UTC(y, m, 1) - 1 };
        const [drives, state] = await Promise.all([
          allPagesOf((cursor) => deps.history.listDrives(vin, { ...range, limit: 500, cursor })),
          deps.history.getHistoryState(vin),
        ]);
        return json(200, { vin, from, to, ...batteryHealth(drives, state === null ? null : ratedWhPerMiOf(state)) });
      },
    },
  ];
}
