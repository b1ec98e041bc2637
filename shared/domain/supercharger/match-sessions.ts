import type { ChargingSession } from '../history/history-records';
import type { TeslaChargingRecord } from './tesla-charging-record';

/** Tesla's clock and the readings' may differ by this much. */
const SLACK_MS = 5 * 60_000;

/**
 * Pairs derived DC sessions with Tesla's records by time. A derived session began between `startedAfter` and
 * `start.at` and ended between `lastChargingAt` and `endBy`; Tesla's record is [startAt, stopAt]. A pair must agree
 * on both: Tesla's start inside the derived start's bounds, and its stop inside the derived end's bounds (each
 * widened by SLACK_MS). Each record is paired once, and each session once; among candidates the closest starts
 * win. A session with no record that fits is left unpaired: a wrong bill is worse than none.
 */
export function matchSessions(sessions: readonly ChargingSession[], records: readonly TeslaChargingRecord[]): Map<string, TeslaChargingRecord> {
  const pairs: { session: ChargingSession; record: TeslaChargingRecord; distance: number }[] = [];
  for (const session of sessions) {
    if (session.kind === 'ac') continue;
    for (const record of records) {
      if (!fits(session, record)) continue;
      pairs.push({ session, record, distance: Math.abs(record.startAt - session.start.at) });
    }
  }
  pairs.sort((a, b) => a.distance - b.distance);
  const matched = new Map<string, TeslaChargingRecord>();
  const used = new Set<string>();
  for (const { session, record } of pairs) {
    if (matched.has(session.id) || used.has(record.sessionId)) continue;
    matched.set(session.id, record);
    used.add(record.sessionId);
  }
  return matched;
}

function fits(session: ChargingSession, record: TeslaChargingRecord): boolean {
  // A session no reading saw charging is known only to lie between two readings, its start and end alike.
  const unseen = session.readings === 0;
  const latestStart = unseen ? session.endBy : session.start.at;
  const earliestStop = unseen ? session.startedAfter : session.lastChargingAt;
  if (record.startAt < session.startedAfter - SLACK_MS || record.startAt > latestStart + SLACK_MS) return false;
  return record.stopAt === null || (record.stopAt >= earliestStop - SLACK_MS && record.stopAt <= session.endBy + SLACK_MS);
}
