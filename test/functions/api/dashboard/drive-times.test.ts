import { describe, expect, it } from '@jest/globals';
import { durationText, startText } from '../../../../functions/api/dashboard/drive-times';

const bounds = (atLeastMinutes: number, atMostMinutes: number) => ({ durationBounds: { atLeastMinutes, atMostMinutes } });

describe('a drive’s times, shown no more precisely than the readings bound them', () => {
  it('a car read every few minutes: its start and duration as the readings give them', () => {
    expect(startText({ startedAfter: '2026-12-01T08:00:00Z', startedBy: '2026-12-01T08:05:00Z' })).not.toMatch(/^by /);
    expect(durationText(bounds(20, 30))).toBe('20–30 min');
    expect(durationText(bounds(25, 25))).toBe('25 min');
  });

  it('a car that slept before the drive: only when it had started by, and the least it took', () => {
    // Last read parked the evening before, first seen moving at noon, parked again 20 minutes later.
    expect(startText({ startedAfter: '2026-12-01T18:25:00Z', startedBy: '2026-12-02T11:55:00Z' })).toMatch(/^by /);
    // Unless the list saw it asleep until a minute before: it set off after it woke, a time the dashboard can show.
    expect(startText({ startedAfter: '2026-12-02T11:54:00Z', startedBy: '2026-12-02T11:55:00Z' })).not.toMatch(/^by /);
    expect(durationText(bounds(20, 1080))).toBe('≥ 20 min');
  });

  it('a drive no reading saw moving (only the odometer moved between two readings): the most it can have taken', () => {
    expect(durationText(bounds(0, 30))).toBe('≤ 30 min');
    expect(durationText(bounds(0, 1080))).toBe('≤ 18 h');
  });
});
