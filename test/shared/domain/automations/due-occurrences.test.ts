import { describe, expect, it } from '@jest/globals';
import type { Automation } from '../../../../shared/domain/automations/automation';
import { dueOccurrences } from '../../../../shared/domain/automations/due-occurrences';

const automation = (schedule: Automation['schedule'], enabled = true): Automation => ({
  id: 'a1',
  name: 'x',
  vin: '5YJ3E7EB0SF000001',
  command: 'door_lock',
  body: {},
  schedule,
  enabled,
  conditions: [],
  createdAt: 0,
  updatedAt: 0,
  lastRun: null,
});

/** What a scheduler ticking every minute from `from` to `to` would run. */
function tickThrough(a: Automation, from: string, to: string): string[] {
  const runs: string[] = [];
  let last = Date.parse(from);
  for (let t = last + 60_000; t <= Date.parse(to); t += 60_000) {
    for (const due of dueOccurrences([a], last, t)) runs.push(`${new Date(due.at).toISOString()} ${due.occurrence}`);
    last = t;
  }
  return runs;
}

describe('due occurrences for a ticking scheduler', () => {
  it('runs a daily time once a day at that local time, before and after the autumn change', () => {
    const runs = tickThrough(automation({ kind: 'cron', cron: '0 7 * * *', timeZone: 'America/New_York' }), '2026-10-31T00:00:00Z', '2026-11-02T23:00:00Z');
    expect(runs).toEqual([
      '2026-10-31T11:00:00.000Z 2026-10-31T07:00',
      '2026-11-01T12:00:00.000Z 2026-11-01T07:00',
      '2026-11-02T12:00:00.000Z 2026-11-02T07:00',
    ]);
  });

  it('runs 01:30 once on the night it happens twice, and never on the night 02:30 does not exist', () => {
    expect(tickThrough(automation({ kind: 'cron', cron: '30 1 * * *', timeZone: 'America/New_York' }), '2026-11-01T03:00:00Z', '2026-11-01T09:00:00Z')).toEqual(
      ['2026-11-01T05:30:00.000Z 2026-11-01T01:30'],
    );
    expect(tickThrough(automation({ kind: 'cron', cron: '30 2 * * *', timeZone: 'America/New_York' }), '2026-03-08T04:00:00Z', '2026-03-08T10:00:00Z')).toEqual(
      [],
    );
  });

  it('runs a one-off once at its local time, and nothing that is disabled', () => {
    expect(
      tickThrough(automation({ kind: 'once', at: '2026-12-01T07:30', timeZone: 'Europe/Berlin' }), '2026-12-01T06:00:00Z', '2026-12-01T07:00:00Z'),
    ).toEqual(['2026-12-01T06:30:00.000Z 2026-12-01T07:30']);
    expect(tickThrough(automation({ kind: 'cron', cron: '* * * * *', timeZone: 'UTC' }, false), '2026-12-01T06:00:00Z', '2026-12-01T07:00:00Z')).toEqual([]);
  });

  it('catches up at most ten minutes after a pause, as a scheduler that was down would not replay a day', () => {
    const due = dueOccurrences(
      [automation({ kind: 'cron', cron: '* * * * *', timeZone: 'UTC' })],
      Date.parse('2026-12-01T00:00:00Z'),
      Date.parse('2026-12-01T05:00:00Z'),
    );
    expect(due).toHaveLength(11);
  });
});
