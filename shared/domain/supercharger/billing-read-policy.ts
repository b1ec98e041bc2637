import type { ChargingSession } from '../history/history-records';
import type { BillingSync } from './billing-store';

const HOUR_MS = 3_600_000;
/**
 * A session is looked for once no DC session has ended for this long: Tesla posts the fees some time after a
 * session ends, and a road trip's stops (a couple of hours apart) are then read together, in one call.
 */
export const QUIET_MS = 4 * HOUR_MS;
/** Reads at least this far apart, even on a day of Supercharger stops spread out. */
export const MIN_READ_GAP_MS = 6 * HOUR_MS;
/** A session still unbilled after a read is looked for again this often... */
export const RETRY_MS = 24 * HOUR_MS;
/** ...until it ended this long ago; then it is left without Tesla's bill (the configured price, or one set by hand). */
export const GIVE_UP_MS = 7 * 24 * HOUR_MS;
/**
 * After Tesla refused the read (a missing scope), it is tried again a day later, while a session still awaits its
 * bill: an owner who signs in again with the scope gets the week's bills, and a refusal costs at most one call a day.
 */
export const REFUSED_RETRY_MS = 24 * HOUR_MS;

export type BillingReadDecision = { read: false; reason: string } | { read: true; fromMs: number; toMs: number };

/**
 * Whether to read Tesla's charging history now, and over which range. Only a DC session (or one whose kind no
 * reading saw) that has ended and has no Tesla record is worth a read. Sessions that ended since the last read are
 * read for once the car has had no DC session for QUIET_MS; sessions already looked for, once a day, for a week.
 * So a day of Supercharging costs about one read, and a car that never Superchargers costs none.
 */
export function decideBillingRead(unbilled: readonly ChargingSession[], sync: BillingSync | null, now: number): BillingReadDecision {
  if (sync?.refused && now - sync.refused.at < REFUSED_RETRY_MS) return { read: false, reason: `refused: ${sync.refused.code}` };
  const waiting = unbilled.filter((s) => s.kind !== 'ac' && s.endBy <= now && now - s.endBy <= GIVE_UP_MS);
  if (waiting.length === 0) return { read: false, reason: 'nothing to look for' };
  const last = sync?.lastReadAt ?? null;
  const fresh = waiting.filter((s) => last === null || s.endBy > last);
  const settled = now - Math.max(...waiting.map((s) => s.endBy)) >= QUIET_MS;
  const due = settled && ((fresh.length > 0 && (last === null || now - last >= MIN_READ_GAP_MS)) || (last !== null && now - last >= RETRY_MS));
  if (!due) return { read: false, reason: fresh.length > 0 ? 'waiting for the fees to settle' : 'read recently' };
  return { read: true, fromMs: Math.min(...waiting.map((s) => s.startedAfter)) - HOUR_MS, toMs: now };
}
