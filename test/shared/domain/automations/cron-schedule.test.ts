import { describe, expect, it } from '@jest/globals';
import { CronSyntaxError, instantOf, isTimeZone, nextRun, parseCron, toEventBridgeCron } from '../../../../shared/domain/automations/cron-schedule';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('cron schedules', () => {
  it.each([
    ['30 7 * * 1-5', 'cron(30 7 ? * MON,TUE,WED,THU,FRI *)'],
    ['0 22 * * FRI', 'cron(0 22 ? * FRI *)'],
    ['*/15 6-9 1,15 * *', 'cron(*/15 6-9 1,15 * ? *)'],
    ['0 8 * JAN-MAR 0,7', 'cron(0 8 ? JAN-MAR SUN *)'],
  ])('turns %s into the EventBridge form %s', (text, expected) => {
    expect(toEventBridgeCron(parseCron(text))).toBe(expected);
  });

  it.each([
    ['30 7 * *', /5 fields/],
    ['61 7 * * *', /minute: 61 is outside 0–59/],
    ['30 24 * * *', /hour: 24/],
    ['0 8 1 * MON', /not both/],
    ['0 8 * * XYZ', /day of week/],
    ['5-1 * * * *', /backwards/],
    ['*/0 * * * *', /step/],
  ])('refuses %j, saying why', (text, message) => {
    expect(() => parseCron(text)).toThrow(CronSyntaxError);
    expect(() => parseCron(text)).toThrow(message);
  });

  it('finds the next run in the owner’s zone', () => {
    const weekdays730 = parseCron('30 7 * * 1-5');
    // Friday 2026-11-27 08:00 in Berlin (CET, UTC+1): next is Monday 07:30 CET = 06:30Z.
    expect(iso(nextRun(weekdays730, 'Europe/Berlin', Date.parse('2026-11-27T07:00:00Z')))).toBe('2026-11-30T06:30:00.000Z');
    // In summer Berlin is UTC+2.
    expect(iso(nextRun(weekdays730, 'Europe/Berlin', Date.parse('2026-07-01T00:00:00Z')))).toBe('2026-07-01T05:30:00.000Z');
  });

  it('skips a time the spring change removes and runs a repeated time once, as EventBridge Scheduler does', () => {
    // New York: 2026-03-08 02:00 EST jumps to 03:00 EDT; 2026-11-01 02:00 EDT falls back to 01:00 EST.
    expect(iso(nextRun(parseCron('30 2 * * *'), 'America/New_York', Date.parse('2026-03-08T05:00:00Z')))).toBe('2026-03-09T06:30:00.000Z');
    const first = nextRun(parseCron('30 1 * * *'), 'America/New_York', Date.parse('2026-11-01T04:00:00Z'));
    expect(iso(first)).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
    expect(iso(nextRun(parseCron('30 1 * * *'), 'America/New_York', first!))).toBe('2026-11-02T06:30:00.000Z'); // not 06:30Z on the 1st
  });

  it('reads a local wall time as an instant, and knows a skipped one does not exist', () => {
    expect(iso(instantOf('2026-12-01T07:30', 'Europe/Berlin'))).toBe('2026-12-01T06:30:00.000Z');
    expect(instantOf('2026-03-08T02:30', 'America/New_York')).toBeNull();
    expect(iso(instantOf('2026-11-01T01:30', 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z'); // the first of two
    expect(instantOf('2026-13-01T07:30', 'Europe/Berlin')).toBeNull();
    expect(instantOf('2027-02-30T07:00', 'Europe/Berlin')).toBeNull();
    expect(iso(instantOf('2026-06-01T12:00', 'Asia/Kathmandu'))).toBe('2026-06-01T06:15:00.000Z'); // +05:45
  });

  it('knows IANA zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('schedules that can never run', () => {
  it('are named with the reason: days that no month of the schedule has', async () => {
    const { whyNeverRuns, parseCron } = await import('../../../../shared/domain/automations/cron-schedule');
    expect(whyNeverRuns(parseCron('0 7 30 2 *'))).toBe('never runs: February has no day 30');
    expect(whyNeverRuns(parseCron('0 7 31 4,6 *'))).toBe('never runs: April, June have no day 31');
    // Leap days, a day some month has, and weekdays are possible.
    for (const cron of ['0 7 29 2 *', '0 7 31 1-12 *', '0 7 * * 1-5', '0 7 30 2,3 *']) expect(whyNeverRuns(parseCron(cron))).toBeNull();
  });
});
