import { wallTime } from '../domain/wall-time';

/**
 * The instant (ms) of a wall-clock time in an IANA time zone: `2016-06-26 11:12:28` in America/Los_Angeles is
 * 18:12:28 UTC. In the hour a clock change repeats, the first of the two instants; in the hour it skips, the time
 * an hour later (as clocks read then). Null when the text is not `YYYY-MM-DD HH:MM[:SS]`.
 */
export function zonedTimeToUtc(text: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(wall);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  // The zone's offsets a day either side; an instant is right when the zone's clocks read `wall` at it.
  const candidates = [wall - offsetAt(wall - DAY_MS, timeZone), wall - offsetAt(wall + DAY_MS, timeZone)];
  const right = candidates.filter((c) => c + offsetAt(c, timeZone) === wall).sort((a, b) => a - b);
  // None in the hour the clocks skip: read with the offset before the change, the time an hour later.
  return right[0] ?? candidates[0]!;
}

const DAY_MS = 86_400_000;

/** How far the zone's clocks are ahead of UTC at an instant (ms). */
function offsetAt(instant: number, timeZone: string): number {
  const w = wallTime(instant, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(instant / 1000) * 1000;
}
