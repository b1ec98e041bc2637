import type { ChargingSession } from '../history/history-records';
import type { BillingSync } from './billing-store';

const HOUR_MS = 3_600_000;
/** Tesla posts a session's fees some time after it ends: a session is looked for once it has ended this long ago. */
export const SETTLE_MS = HOUR_MS;
/** Reads at least this far apart, even on a day of several Supercharger stops. */
export const MIN_READ_GAP_MS = 6 * HOUR_MS;
/** A session still unbilled is looked for again this often... */
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
 * reading saw) that has ended and has no Tesla record is worth a read; a new one is read for once it settled, an
 * old one once a day, for a week. So a car that never Superchargers costs no read at all.
 */
export function decideBillingRead(unbilled: readonly ChargingSession[], sync: BillingSync | null, now: number): BillingReadDecision {
  if (sync?.refused && now - sync.refused.at < REFUSED_RETRY_MS) return { read: false, reason: `refused: ${sync.refused.code}` };
  const waiting = unbilled.filter((s) => s.kind !== 'ac' && now - s.endBy >= SETTLE_MS && now - s.endBy <= GIVE_UP_MS);
  if (waiting.length === 0) return { read: false, reason: 'nothing to look for' };
  const last = sync?.lastReadAt ?? null;
  const fresh = waiting.some((s) => last === null || s.endBy + SETTLE_MS > last);
  const due = last === null || (fresh && now - last >= MIN_READ_GAP_MS) || now - last >= RETRY_MS;
  if (!due) return { read: false, reason: 'read recently' };
  return { read: true, fromMs: Math.min(...waiting.map((s) => s.startedAfter)) - HOUR_MS, toMs: now };
}
