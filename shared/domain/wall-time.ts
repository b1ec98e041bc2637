/** A time as the clocks of a time zone read it. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 for Sunday. */
  weekday: number;
}

export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** What the zone's clocks read at an instant (ms). */
export function wallTime(at: number, zone: string): WallTime {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday!.toUpperCase()),
  };
}

const DAY_MS = 86_400_000;

/**
 * A wall time's fields as if they were UTC (what `instantsOf` takes), or null when no calendar has them (30 February,
 * hour 24).
 */
export function wallOf(year: number, month: number, day: number, hour: number, minute: number, second = 0): number | null {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(wall);
  const same =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day &&
    back.getUTCHours() === hour &&
    back.getUTCMinutes() === minute &&
    back.getUTCSeconds() === second;
  return same ? wall : null;
}

/** How far the zone's clocks are ahead of UTC at an instant (ms). */
export function offsetAt(instant: number, zone: string): number {
  const w = wallTime(instant, zone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instants at which the zone's clocks read a wall time (given as if it were UTC: `Date.UTC(year, month - 1, …)`),
 * earliest first: one as a rule, none in the hour a clock change skips, two in the hour it repeats. The zone's
 * offsets a day either side are the candidates (no zone changes its clocks twice within two days).
 */
export function instantsOf(wall: number, zone: string): number[] {
  const candidates = [...new Set([wall - offsetAt(wall - DAY_MS, zone), wall - offsetAt(wall + DAY_MS, zone)])];
  return candidates.filter((c) => c + offsetAt(c, zone) === wall).sort((a, b) => a - b);
}

/** The offset a zone had the day before `wall`: how clocks read a skipped time (an hour later, as they read then). */
export function instantBefore(wall: number, zone: string): number {
  return wall - offsetAt(wall - DAY_MS, zone);
}
