/** A day of the odometer's daily series, as `GET …/odometer?resolution=day` gives it. */
export interface DayRow {
  date: string;
  first: number;
  last: number;
  distance: number;
}

export type Bucket = 'day' | 'week' | 'month';

/**
 * Bars that read well from one day to ten years: a bar a day up to two months of data, a bar a week up to about a
 * year, a bar a month beyond. Chosen from the data's own span, so a week of history is not drawn as a year.
 */
export function bucketFor(days: readonly DayRow[]): Bucket {
  if (days.length < 2) return 'day';
  const span = (Date.parse(days[days.length - 1]!.date) - Date.parse(days[0]!.date)) / 86_400_000;
  return span <= 62 ? 'day' : span <= 400 ? 'week' : 'month';
}

/** Sums each bucket's distance and keeps its last odometer reading; a week is labelled by its Monday. */
export function aggregate(days: readonly DayRow[], bucket: Bucket): Array<{ label: string; last: number; distance: number }> {
  const keyOf = (date: string): string => {
    if (bucket === 'day') return date;
    if (bucket === 'month') return date.slice(0, 7);
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    return d.toISOString().slice(0, 10);
  };
  const rows: Array<{ label: string; last: number; distance: number }> = [];
  for (const day of days) {
    const key = keyOf(day.date);
    const row = rows[rows.length - 1];
    if (row && row.label === key) {
      row.last = day.last;
      row.distance += day.distance;
    } else {
      rows.push({ label: key, last: day.last, distance: day.distance });
    }
  }
  return rows;
}
