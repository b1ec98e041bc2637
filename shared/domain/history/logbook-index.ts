import type { DescribedFailure, Failure } from '../failure';
import type { LogEntry } from './logbook';
import type { LogbookStore, LogIndexUpdate } from './logbook-store';

export type { LogIndexItem, LogIndexUpdate } from './logbook-store';

/**
 * The logbook's index: for each logged drive, where its entries are in the chain (the drive's entry, its newest
 * annotation, how many annotations it has). It holds pointers only, never content: what a logbook row shows is read
 * from the chain itself, which verify checks. The index lets a year be read by its drives' start times instead of
 * reading the whole chain, and verify checks the index against the chain too.
 *
 * It is kept up to date from the chain (`indexedThrough`: the newest entry applied), so a writer that died after
 * appending leaves nothing wrong: the next reader or writer applies what is missing. Applying an entry twice, or
 * two processes applying the same entries, changes nothing (each pointer only moves forward; annotation numbers are
 * a set).
 */

/** The index updates a run of entries makes, one per drive. */
export function indexUpdates(entries: readonly LogEntry[]): LogIndexUpdate[] {
  const byDrive = new Map<string, LogIndexUpdate>();
  for (const entry of entries) {
    const update = byDrive.get(entry.driveId) ?? { driveId: entry.driveId, driveSeq: null, noteSeqs: [] };
    if (entry.kind === 'drive') update.driveSeq = Math.max(update.driveSeq ?? 0, entry.seq);
    else update.noteSeqs.push(entry.seq);
    byDrive.set(entry.driveId, update);
  }
  return [...byDrive.values()];
}

/** The index is still being built from a long chain (the first read after an upgrade): nothing is wrong; try again. */
export class LogbookIndexingError extends Error implements DescribedFailure {
  constructor(readonly indexedThrough: number) {
    super(`the logbook is being indexed (${indexedThrough} entries so far); try again in a few seconds`);
    this.name = 'LogbookIndexingError';
  }

  failure(): Failure {
    return { code: 'logbook_indexing', message: this.message, retryAfterSeconds: 5 };
  }
}

export const INDEX_PAGE = 500;

/** Says after each page whether to stop (time or pages spent). */
export type IndexBudget = () => boolean;

/** A budget of a number of pages. */
export const pages =
  (count: number): IndexBudget =>
  () =>
    --count <= 0;

/** A budget until a deadline (ms since epoch) on a clock. */
export const until =
  (clock: { now(): number }, deadline: number): IndexBudget =>
  () =>
    clock.now() > deadline;

/**
 * Applies the chain's entries the index has not seen, page by page, until it is caught up or the budget is spent
 * (without one, to the end), and says whether it caught up.
 */
export async function catchUpLogIndex(store: LogbookStore, vin: string, spent?: IndexBudget): Promise<{ caughtUp: boolean; through: number }> {
  let through = await store.logIndexedThrough(vin);
  for (;;) {
    const entries = await store.logEntriesAfter(vin, through, INDEX_PAGE);
    if (entries.length === 0) return { caughtUp: true, through };
    const last = entries.reduce((n, e) => Math.max(n, e.seq), through);
    await store.applyToLogIndex(vin, indexUpdates(entries), last);
    through = last;
    if (spent?.()) return { caughtUp: (await store.logEntriesAfter(vin, through, 1)).length === 0, through };
  }
}

/** Like catchUpLogIndex, for a reader that needs the index whole: a chain too long to index in time is a 503. */
export async function requireLogIndex(store: LogbookStore, vin: string, spent: IndexBudget): Promise<void> {
  const { caughtUp, through } = await catchUpLogIndex(store, vin, spent);
  if (!caughtUp) throw new LogbookIndexingError(through);
}
