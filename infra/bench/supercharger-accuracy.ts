import type { ChargingSession } from '../../shared/domain/history/history-records';
import { matchSessions } from '../../shared/domain/supercharger/match-sessions';
import { billOf, type TeslaChargingRecord } from '../../shared/domain/supercharger/tesla-charging-record';
import type { ChargeSession } from '../simulator/sim-car-types';
import { simSuperchargerFees } from '../simulator/sim-supercharger';

export interface SuperchargerAccuracy {
  /** DC sessions that ended long enough before the run's end to have been billed (a day). */
  dcSessions: number;
  /** Of those, shown with Tesla's bill. */
  billed: number;
  /** The largest difference between the cost shown and the true fees, in the currency. */
  largestErrorAmount: number;
  /** The same, as a share of the true fees. */
  largestErrorShare: number;
}

const DAY_MS = 86_400_000;

/**
 * Holds the costs shown for DC sessions to the simulator's true fees: each true session is found by Tesla's record
 * of it (the simulator dates its record by the session's start), and the derived session matched to that record
 * is the one shown with the bill. A session whose derived record found no bill counts as not billed.
 */
export function superchargerAccuracy(
  truth: readonly ChargeSession[],
  derived: readonly ChargingSession[],
  records: readonly TeslaChargingRecord[],
  end: number,
): SuperchargerAccuracy {
  const due = truth.filter((s) => s.dc && s.endAt !== null && s.endAt <= end - DAY_MS);
  const matched = matchSessions(derived, records);
  const shownByRecord = new Map([...matched.values()].map((record) => [record.sessionId, billOf(record).total]));
  let billed = 0;
  let largestErrorAmount = 0;
  let largestErrorShare = 0;
  for (const session of due) {
    const record = records.find((r) => r.startAt === session.startAt);
    const shown = record ? shownByRecord.get(record.sessionId) : undefined;
    if (shown === undefined || shown === null) continue;
    billed += 1;
    const fees = simSuperchargerFees(session);
    const trueTotal = fees.charging + fees.idle;
    const error = Math.abs(shown - trueTotal);
    largestErrorAmount = Math.max(largestErrorAmount, error);
    largestErrorShare = Math.max(largestErrorShare, trueTotal > 0 ? error / trueTotal : 0);
  }
  return { dcSessions: due.length, billed, largestErrorAmount, largestErrorShare };
}
