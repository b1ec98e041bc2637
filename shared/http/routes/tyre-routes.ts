import type { Snapshot } from '../../domain/snapshot';
import type { ApiDeps } from '../api-deps';
import type { Route } from '../router';
import { snapshotPageRoute } from './odometer-routes';

const TYRE_COLUMNS = ['at', 'fl', 'fr', 'rl', 'rr', 'recommendedFront', 'recommendedRear', 'carWarns'] as const;

/** The tyre pressures each reading carried (bar): history per wheel. Costs no Tesla request. */
export function tyreRoutes(deps: ApiDeps): Route[] {
  return [getTyresRoute(deps)];
}

/** GET /vehicles/{vin}/tyres: the stored readings' pressures, paged like the snapshots (readings without any are left out). */
function getTyresRoute(deps: ApiDeps): Route {
  return snapshotPageRoute(deps, '/vehicles/{vin}/tyres', 'readings', TYRE_COLUMNS, tyreRow);
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
