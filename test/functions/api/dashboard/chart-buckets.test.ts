import { describe, expect, it } from '@jest/globals';
import { aggregate, bucketFor, type DayRow } from '../../../../functions/api/dashboard/chart-buckets';

/** `n` consecutive days from `start`, 10 mi a day. */
function days(start: string, n: number): DayRow[] {
  return Array.from({ length: n }, (_, i) => {
    const date = new Date(Date.parse(`${start}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10);
    return { date, first: 1000 + i * 10, last: 1010 + i * 10, distance: 10 };
  });
}

describe('odometer chart buckets', () => {
  it('keeps a bar a day for one day or two months of data, a week for a year, a month for ten years', () => {
    expect(bucketFor(days('2026-01-01', 1))).toBe('day');
    expect(bucketFor(days('2026-01-01', 60))).toBe('day');
    expect(bucketFor(days('2026-01-01', 365))).toBe('week');
    expect(bucketFor(days('2016-01-01', 3650))).toBe('month');
  });

  it('sums distance per bucket and keeps the bucket’s last odometer, weeks starting on Monday', () => {
    const weeks = aggregate(days('2026-01-01', 14), 'week'); // Thursday 1 January to Wednesday 14 January
    expect(weeks.map((w) => [w.label, w.distance, w.last])).toEqual([
      ['2025-12-29', 40, 1040],
      ['2026-01-05', 70, 1110],
      ['2026-01-12', 30, 1140],
    ]);
    const months = aggregate(days('2016-01-01', 3650), 'month');
    expect(months).toHaveLength(120);
    expect(months.reduce((sum, m) => sum + m.distance, 0)).toBe(36_500);
  });
});
