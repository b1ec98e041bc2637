import { MINUTE_MS } from '../../shared/domain/clock';
import type { StateChange } from '../../shared/domain/history/history-records';
import { afterFailure, afterSnapshot, decidePoll, INITIAL_MEMORY } from '../../shared/domain/polling-policy';
import type { Snapshot } from '../../shared/domain/snapshot';

/** A row further back than this is not what a read at that minute would have answered. */
const FRESH_MS = 3 * MINUTE_MS;

/**
 * A recording replayed as this system's collector would have read it: once a minute, the car's listed state (the
 * recording's own state changes; free), and when the polling policy asks for data and the car is online, the newest
 * row at or before that minute (what the car would have answered). Returns the readings it took. The car's sleep is
 * the recording's: a replay cannot tell whether fewer reads would have let it sleep sooner.
 */
export function replayAsPolled(rows: readonly Snapshot[], changes: readonly StateChange[]): { readings: Snapshot[]; reads: number } {
  const sorted = [...rows].sort((a, b) => a.takenAt - b.takenAt);
  const states = [...changes].sort((a, b) => a.at - b.at);
  if (sorted.length === 0) return { readings: [], reads: 0 };
  const readings: Snapshot[] = [];
  let memory = INITIAL_MEMORY;
  let row = -1;
  let state = -1;
  let reads = 0;
  for (let t = sorted[0]!.takenAt; t <= sorted[sorted.length - 1]!.takenAt; t += MINUTE_MS) {
    while (row + 1 < sorted.length && sorted[row + 1]!.takenAt <= t) row += 1;
    while (state + 1 < states.length && states[state + 1]!.at <= t) state += 1;
    const fresh = row >= 0 && t - sorted[row]!.takenAt <= FRESH_MS;
    // Without a state change yet, a fresh row says it is online.
    const listed = state >= 0 ? states[state]!.state : fresh ? 'online' : 'asleep';
    const step = decidePoll(memory, listed === 'online' ? 'online' : 'asleep', t);
    memory = step.memory;
    if (step.decision.action !== 'fetch') continue;
    reads += 1;
    if (!fresh) {
      // Listed online, but the recording has nothing for that minute: the read got nothing (a 408).
      memory = afterFailure(memory, { kind: 'unavailable' }, t);
      continue;
    }
    const reading = sorted[row]!;
    if (readings[readings.length - 1] !== reading) readings.push(reading);
    memory = afterSnapshot(memory, reading, t);
  }
  return { readings, reads };
}
