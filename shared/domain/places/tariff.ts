import { wallTime } from '../wall-time';

/**
 * What charging at a place costs: a rate per kWh and per minute charging, a fee per session, and periods by local
 * time, weekday and season in which other rates apply (time of use). Times are the place's own (its IANA zone),
 * amounts its currency's (ISO 4217).
 */
export interface Tariff {
  currency: string;
  timeZone: string;
  perKwh: number;
  perMinute: number;
  sessionFee: number;
  periods: TouPeriod[];
}

/**
 * A time-of-use period: from `from` to `to` local time ("HH:MM", `to` may be "24:00"; a period past midnight is two
 * periods), on the given weekdays (1 Monday … 7 Sunday) and months (1–12, a season). Its rates replace the base ones
 * where it gives them.
 */
export interface TouPeriod {
  name: string;
  from: string;
  to: string;
  days: number[];
  months: number[];
  perKwh?: number;
  perMinute?: number;
}

export interface Rates {
  perKwh: number;
  perMinute: number;
  /** The period in force, or null for the base rates. */
  period: string | null;
}

export const minutesOfDay = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The rates in force at an instant. */
export function ratesAt(tariff: Tariff, at: number): Rates {
  const wall = wallTime(at, tariff.timeZone);
  const day = wall.weekday === 0 ? 7 : wall.weekday;
  const minute = wall.hour * 60 + wall.minute;
  const period = tariff.periods.find(
    (p) => p.days.includes(day) && p.months.includes(wall.month) && minute >= minutesOfDay(p.from) && minute < minutesOfDay(p.to),
  );
  if (!period) return { perKwh: tariff.perKwh, perMinute: tariff.perMinute, period: null };
  return { perKwh: period.perKwh ?? tariff.perKwh, perMinute: period.perMinute ?? tariff.perMinute, period: period.name };
}

/** Two periods that apply at the same minute of some day: the first pair found, by index. */
export function overlappingPeriods(periods: readonly TouPeriod[]): [number, number] | null {
  for (let i = 0; i < periods.length; i++) {
    for (let j = i + 1; j < periods.length; j++) {
      const a = periods[i]!;
      const b = periods[j]!;
      const sameDays = a.days.some((d) => b.days.includes(d)) && a.months.some((m) => b.months.includes(m));
      if (sameDays && minutesOfDay(a.from) < minutesOfDay(b.to) && minutesOfDay(b.from) < minutesOfDay(a.to)) return [i, j];
    }
  }
  return null;
}
