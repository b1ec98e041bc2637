import { ApiError } from '../api-error';
import type { ApiDeps } from '../api-deps';
import { requireVin } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Reads of what the collector stored; none of these calls Tesla. */
export function vehicleRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/vehicles',
      handle: async () => {
        const records = await deps.vehicles.listVehicles();
        return json(200, {
          vehicles: records.map((r) => ({
            vin: r.vin,
            displayName: r.displayName,
            state: r.state,
            lastSeenAt: iso(r.lastSeenAt),
            lastSnapshotAt: iso(r.lastSnapshotAt),
            // Something that needs the owner (a missing scope, a refusal), until the next good reading.
            problem: r.problem ? { ...r.problem, since: iso(r.problem.since) } : null,
          })),
        });
      },
    },
    {
      method: 'GET',
      path: '/vehicles/{vin}/state',
      handle: async ({ params }) => {
        const vin = requireVin(params.vin);
        const [record, snapshot, signing] = await Promise.all([
          deps.vehicles.getVehicle(vin),
          deps.snapshots.latestSnapshot(vin),
          deps.signing.getSigningStatus(vin),
        ]);
        if (record === null && snapshot === null) throw new ApiError(404, 'vehicle_not_found', `no vehicle ${vin} has been seen`);
        return json(200, {
          vin,
          state: record?.state ?? 'unknown',
          // Learnt at the first command (fleet_status, or the car's own answer); unknown until then.
          commandSigning: signing === null ? 'unknown' : signing.required ? 'required' : 'not_required',
          lastSeenAt: iso(record?.lastSeenAt ?? null),
          problem: record?.problem ? { ...record.problem, since: iso(record.problem.since) } : null,
          snapshot: snapshot === null ? null : { ...snapshot, takenAt: iso(snapshot.takenAt) },
        });
      },
    },
  ];
}
