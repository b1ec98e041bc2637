import type { Clock } from '../clock';
import type { FleetApi } from '../fleet-api';
import { FleetApiError, MissingScopeError } from '../fleet-errors';
import type { HistoryStore } from '../history/history-store';
import { decideBillingRead, GIVE_UP_MS } from './billing-read-policy';
import type { SuperchargerBillingStore } from './billing-store';
import { matchSessions } from './match-sessions';
import type { TeslaChargingRecord } from './tesla-charging-record';

export interface BillingSyncDeps {
  fleet: Pick<FleetApi, 'chargingHistoryPage'>;
  history: Pick<HistoryStore, 'listCharges'>;
  billing: SuperchargerBillingStore;
  clock: Clock;
}

export type BillingSyncOutcome =
  | { read: false; reason: string }
  | { read: true; pages: number; records: number; unreadable: number }
  | { read: true; refused: { code: string; message: string } };

/** Pages read at most in one sync: 250 sessions, weeks of a road trip. */
const MAX_PAGES = 5;
const DAY_MS = 86_400_000;

/**
 * Reads Tesla's charging history for one car when a DC session awaits its bill (see billing-read-policy), and keeps
 * Tesla's records. A refusal (403: a scope the login lacks, or an account Tesla does not serve this to) is kept
 * with its explanation and tried again a day later; any other failure is thrown (the caller logs it), after the
 * read is noted so it is not retried at once.
 */
export async function syncSuperchargerBilling(deps: BillingSyncDeps, vin: string): Promise<BillingSyncOutcome> {
  const now = deps.clock.now();
  const since = now - GIVE_UP_MS - DAY_MS;
  const [sessions, kept, sync] = await Promise.all([
    deps.history.listCharges(vin, { fromMs: since, toMs: now, limit: 200, newestFirst: false }),
    deps.billing.teslaChargesBetween(vin, since - DAY_MS, now),
    deps.billing.getBillingSync(vin),
  ]);
  const matched = matchSessions(sessions.items, kept);
  const decision = decideBillingRead(
    sessions.items.filter((s) => !matched.has(s.id)),
    sync,
    now,
  );
  if (!decision.read) return decision;
  // The rest of the car's sync state (when the pass looked) is kept as it was.
  await deps.billing.putBillingSync(vin, { ...sync, lastReadAt: now, refused: null });
  const records: TeslaChargingRecord[] = [];
  let unreadable = 0;
  let pages = 0;
  try {
    for (let more = true; more && pages < MAX_PAGES;) {
      pages += 1;
      const page = await deps.fleet.chargingHistoryPage(vin, { fromMs: decision.fromMs, toMs: decision.toMs }, pages);
      records.push(...page.records);
      unreadable += page.unreadable;
      more = page.more;
    }
  } catch (error) {
    const refused = refusalOf(error);
    if (refused === null) throw error;
    await deps.billing.putBillingSync(vin, { ...sync, lastReadAt: now, refused: { ...refused, at: now } });
    return { read: true, refused };
  } finally {
    // What was read before a failure is Tesla's all the same.
    if (records.length > 0) await deps.billing.putTeslaCharges(vin, records);
  }
  return { read: true, pages, records: records.length, unreadable };
}

function refusalOf(error: unknown): { code: string; message: string } | null {
  if (error instanceof MissingScopeError) return error.failure();
  if (error instanceof FleetApiError && error.status === 403) {
    return {
      code: 'charging_history_refused',
      message:
        'Tesla refused the charging history (403). Tesla does not publish the scope it needs (vehicle_charging_cmds is the likely one): add it to your app, sign in again (npm run login), or set SUPERCHARGER_COSTS=false',
    };
  }
  return null;
}
