import { instantBefore, instantsOf, wallOf } from '../domain/wall-time';

/**
 * The instant (ms) of a wall-clock time in an IANA time zone: `2016-06-26 11:12:28` in America/Los_Angeles is
 * 18:12:28 UTC. In the hour a clock change repeats, the first of the two instants; in the hour it skips, the time
 * an hour later (as clocks read then). Null when the text is not `YYYY-MM-DD HH:MM[:SS]`.
 */
export function zonedTimeToUtc(text: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const wall = wallOf(y, mo, d, h, mi, s);
  if (wall === null) return null;
  // In the hour a clock change skips, no instant reads it: read with the offset before the change.
  return instantsOf(wall, timeZone)[0] ?? instantBefore(wall, timeZone);
}
