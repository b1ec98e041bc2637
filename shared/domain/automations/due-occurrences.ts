import type { Automation } from './automation';
import { cronMatches, instantOf, isRepeat, parseCron, wallText, wallTime } from './cron-schedule';

const MINUTE = 60_000;
/** A scheduler that was stopped or asleep catches up at most this far back (EventBridge does not replay either). */
export const MAX_CATCH_UP_MS = 10 * MINUTE;

/**
 * The occurrences due in the minutes after `from` up to and including `to`, for a scheduler that ticks (the local
 * host's). Each is named by its wall time in the automation's zone, so the second pass of a repeated hour is the
 * same occurrence and never runs; a wall time skipped by a clock change never comes up. The rules EventBridge
 * Scheduler follows.
 */
export function dueOccurrences(
  automations: readonly Automation[],
  from: number,
  to: number,
): Array<{ automation: Automation; occurrence: string; at: number }> {
  const due: Array<{ automation: Automation; occurrence: string; at: number }> = [];
  const first = Math.max(Math.floor(from / MINUTE) * MINUTE + MINUTE, to - MAX_CATCH_UP_MS);
  for (const automation of automations) {
    if (!automation.enabled) continue;
    const { schedule } = automation;
    if (schedule.kind === 'once') {
      const at = instantOf(schedule.at, schedule.timeZone);
      if (at !== null && at >= first && at <= to) due.push({ automation, occurrence: schedule.at, at });
      continue;
    }
    const cron = parseCron(schedule.cron);
    for (let t = first; t <= to; t += MINUTE) {
      const wall = wallTime(t, schedule.timeZone);
      if (cronMatches(cron, wall) && !isRepeat(t, schedule.timeZone, wall)) due.push({ automation, occurrence: wallText(wall), at: t });
    }
  }
  return due.sort((a, b) => a.at - b.at);
}
