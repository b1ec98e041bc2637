import type { Snapshot } from '../../domain/snapshot';
import type { ApiDeps } from '../api-deps';
import { csv, wantsCsv } from '../csv';
import { requireVin, validate } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';
import { nextPageCursor, resolvePageQuery } from '../page-query';
import { snapshotsQuerySchema } from './odometer-routes';

const TYRE_COLUMNS = ['at', 'fl', 'fr', 'rl', 'rr', 'recommendedFront', 'recommendedRear', 'carWarns'] as const;

/** The tyre pressures each reading carried (bar): history per wheel. Costs no Tesla request. */
export function tyreRoutes(deps: ApiDeps): Route[] {
  return [getTyresRoute(deps)];
}

/** GET /vehicles/{vin}/tyres: the stored readings' pressures, paged like the snapshots (readings without any are left out). */
function getTyresRoute(deps: ApiDeps): Route {
  return {
    method: 'GET',
    path: '/vehicles/{vin}/tyres',
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
      const readings = page.items.map(tyreRow).filter((r) => r !== null);
      if (wantsCsv(event)) return csv(TYRE_COLUMNS, readings, next ? { 'x-next-cursor': next } : {});
      return json(200, { vin, from: new Date(pq.from).toISOString(), to: new Date(pq.to).toISOString(), readings, nextCursor: next });
    },
  };
}

function tyreRow(s: Snapshot) {
  const p = s.detail?.tyrePressureBar;
  if (!p || (p.fl === null && p.fr === null && p.rl === null && p.rr === null)) return null;
  const rcp = s.detail?.tyreRecommendedBar;
  return {
    at: new Date(s.takenAt).toISOString(),
    fl: p.fl,
    fr: p.fr,
    rl: p.rl,
    rr: p.rr,
    recommendedFront: rcp?.front ?? null,
    recommendedRear: rcp?.rear ?? null,
    carWarns: (s.detail?.tyreWarnings ?? []).join(' '),
  };
}
