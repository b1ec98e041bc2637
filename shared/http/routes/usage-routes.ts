import * as z from 'zod';
import { lazily } from '../../domain/lazily';
import { callPrices, carBudgetUsd, costByCategoryUsd, costUsd, monthKey } from '../../domain/billing';
import { ACCOUNT_SCOPE } from '../../domain/request-meter';
import type { ApiDeps } from '../api-deps';
import { requireVin, validate } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';

export const usageQuery = lazily(() =>
  z.strictObject({
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM')
      .optional(),
  }),
);

/** The month's billable Fleet requests for one car, their estimated cost, and its share of the budget. */
export function usageRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/vehicles/{vin}/usage',
      handle: async ({ params, query }) => {
        const vin = requireVin(params.vin);
        const month = validate(usageQuery(), query, 'invalid_query').month ?? monthKey(deps.clock.now());
        const [requests, account, cars] = await Promise.all([
          deps.usage.getUsage(vin, month),
          deps.usage.getUsage(ACCOUNT_SCOPE, month),
          deps.vehicles.listVehicles(),
        ]);
        const round = (usd: number): number => Math.round(usd * 10_000) / 10_000;
        const price = callPrices(deps);
        const byCategory = costByCategoryUsd(requests, price);
        return json(200, {
          vin,
          month,
          requests,
          costByCategoryUsd: Object.fromEntries(Object.entries(byCategory).map(([k, v]) => [k, round(v)])),
          estimatedCostUsd: round(costUsd(requests, price)),
          // The share the collector paces this car by: the account's own calls paid first, the rest shared.
          budgetUsd: round(carBudgetUsd(deps.monthlyBudgetUsd, costUsd(account, price), cars.length)),
          accountRequests: account,
          note: 'Estimated from the requests this system made, at Tesla’s published prices; Tesla’s invoice is authoritative.',
        });
      },
    },
  ];
}
