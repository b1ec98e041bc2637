import { instantsOf, isTimeZone, wallOf, wallTime, WEEKDAYS, type WallTime } from '../wall-time';

/**
 * Five-field cron (`minute hour day-of-month month day-of-week`, as in crontab) evaluated in an IANA time zone, and
 * its EventBridge Scheduler form. Times that do not exist (the hour skipped when clocks go forward) do not run; a time
 * that occurs twice (clocks go back) runs once: the same rules as EventBridge Scheduler.
 */

export interface CronSchedule {
  text: string;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number> | null;
  months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday; null = any. */
  daysOfWeek: ReadonlySet<number> | null;
}

/** A cron expression that cannot be used; the message says which field and why. */
export class CronSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronSyntaxError';
  }
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = WEEKDAYS;
const FIELDS = [
  { name: 'minute', min: 0, max: 59, names: null },
  { name: 'hour', min: 0, max: 23, names: null },
  { name: 'day of month', min: 1, max: 31, names: null },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 7, names: DAYS },
] as const;

export function parseCron(text: string): CronSchedule {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5) throw new CronSyntaxError(`cron needs 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  const sets = parts.map((part, i) => parseField(part, FIELDS[i]!));
  const [minutes, hours, dom, months, dow] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  const domAny = parts[2] === '*';
  const dowAny = parts[4] === '*';
  if (!domAny && !dowAny) throw new CronSyntaxError('restrict the day of month or the day of week, not both (EventBridge Scheduler cannot combine them)');
  if (dow.has(7)) dow.add(0);
  dow.delete(7);
  return { text: parts.join(' '), minutes, hours, daysOfMonth: domAny ? null : dom, months, daysOfWeek: dowAny ? null : dow };
}

function parseField(part: string, field: (typeof FIELDS)[number]): Set<number> {
  const values = new Set<number>();
  const value = (token: string): number => {
    const named = field.names?.indexOf(token.toUpperCase()) ?? -1;
    if (named >= 0) return named + field.min;
    if (!/^\d{1,2}$/.test(token)) throw new CronSyntaxError(`${field.name}: '${token.slice(0, 10)}' is not a number${field.names ? ' or a name' : ''}`);
    const n = Number(token);
    if (n < field.min || n > field.max) throw new CronSyntaxError(`${field.name}: ${n} is outside ${field.min}–${field.max}`);
    return n;
  };
  for (const item of part.split(',')) {
    const match = /^(\*|[^-/]+)(?:-([^/]+))?(?:\/(\d{1,2}))?$/.exec(item);
    if (!match) throw new CronSyntaxError(`${field.name}: cannot read '${item.slice(0, 20)}'`);
    const [, from, to, step] = match;
    const start = from === '*' ? field.min : value(from!);
    const end = from === '*' ? field.max : to !== undefined ? value(to) : step !== undefined ? field.max : start;
    const by = step === undefined ? 1 : Number(step);
    if (by < 1) throw new CronSyntaxError(`${field.name}: a step must be at least 1`);
    if (end < start) throw new CronSyntaxError(`${field.name}: the range ${start}-${end} runs backwards`);
    for (let n = start; n <= end; n += by) values.add(n);
  }
  return values;
}

/** The same schedule as an EventBridge Scheduler expression (its day of week takes names; one day field is `?`). */
export function toEventBridgeCron(cron: CronSchedule): string {
  const [minute, hour, dom, month] = cron.text.split(' ');
  const dow =
    cron.daysOfWeek === null
      ? '?'
      : [...cron.daysOfWeek]
          .sort((a, b) => a - b)
          .map((d) => DAYS[d])
          .join(',');
  return `cron(${minute} ${hour} ${cron.daysOfWeek === null ? dom : '?'} ${month} ${dow} *)`;
}

/** A moment as a wall clock in a time zone shows it. */
export function wallText(w: WallTime): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}`;
}

export function cronMatches(cron: CronSchedule, w: WallTime): boolean {
  return (
    cron.minutes.has(w.minute) &&
    cron.hours.has(w.hour) &&
    cron.months.has(w.month) &&
    (cron.daysOfMonth === null || cron.daysOfMonth.has(w.day)) &&
    (cron.daysOfWeek === null || cron.daysOfWeek.has(w.weekday))
  );
}

const MINUTE = 60_000;

/** The most days each month can have (February: 29, in leap years). */
const LONGEST_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTH_NAME = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Why the schedule can never run, or null when it can: its days of the month exist in none of its months (the 30th
 * of February, the 31st of April). Every real date falls on each weekday in some year, so a weekday never makes it
 * impossible on its own.
 */
export function whyNeverRuns(cron: CronSchedule): string | null {
  if (cron.daysOfMonth === null) return null;
  const days = [...cron.daysOfMonth];
  const months = [...cron.months].sort((a, b) => a - b);
  if (months.some((m) => days.some((d) => d <= LONGEST_MONTH[m - 1]!))) return null;
  const named = months.map((m) => MONTH_NAME[m - 1]).join(', ');
  return `never runs: ${named} ${months.length === 1 ? 'has' : 'have'} no day ${days.sort((a, b) => a - b).join(', ')}`;
}

/** Whether a local date (year, month 1–12, day) is on the calendar. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  return wallOf(year, month, day, 0, 0) !== null;
}

/**
 * The first minute after `after` at which the schedule runs, or null within a year and a bit. A wall time that
 * occurs twice counts once (the first).
 */
export function nextRun(cron: CronSchedule, zone: string, after: number): number | null {
  let t = Math.floor(after / MINUTE) * MINUTE + MINUTE;
  const limit = t + 400 * 24 * 60 * MINUTE;
  while (t < limit) {
    const w = wallTime(t, zone);
    if (
      !cron.months.has(w.month) ||
      (cron.daysOfMonth !== null && !cron.daysOfMonth.has(w.day)) ||
      (cron.daysOfWeek !== null && !cron.daysOfWeek.has(w.weekday))
    ) {
      t += (24 * 60 - (w.hour * 60 + w.minute)) * MINUTE; // to the next local midnight (or near it)
      continue;
    }
    if (!cron.hours.has(w.hour)) {
      t += (60 - w.minute) * MINUTE;
      continue;
    }
    if (cron.minutes.has(w.minute) && !isRepeat(t, zone, w)) return t;
    t += MINUTE;
  }
  return null;
}

/** The wall time `w` at `t` was already shown an hour (or the DST shift) earlier: the second pass of a fall-back. */
export function isRepeat(t: number, zone: string, w: WallTime = wallTime(t, zone)): boolean {
  for (const back of [60, 30, 120]) if (wallText(wallTime(t - back * MINUTE, zone)) === wallText(w)) return true;
  return false;
}

/**
 * The instant a wall time (`YYYY-MM-DDTHH:mm`) names in a zone; the first one if it occurs twice, null if it does
 * not occur (skipped by a clock change).
 */
export function instantOf(wall: string, zone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(wall);
  if (!match) return null;
  const fields = wallOf(Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5]));
  // A date that does not exist (30 February) is none; otherwise the earliest instant the zone's clocks read it (none
  // in the hour a change skips).
  return fields === null ? null : (instantsOf(fields, zone)[0] ?? null);
}

export { isTimeZone, wallTime, type WallTime };
