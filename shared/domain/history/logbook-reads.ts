import type { DescribedFailure, Failure } from '../failure';
import { pagesOf } from './history-page';
import type { LogAnnotation, LogDriveFacts, LogEntry, LoggedDriveView } from './logbook';
import { requireLogIndex, type IndexBudget, type LogIndexItem } from './logbook-index';
import type { LogbookStore } from './logbook-store';

/** The index points at an entry that is not what it should be: the stored data was changed; verify says how. */
export class LogbookDamagedError extends Error implements DescribedFailure {
  constructor(driveId: string) {
    super(`the logbook's stored entries for drive ${driveId} are not what its index says; GET …/logbook/verify shows what changed`);
    this.name = 'LogbookDamagedError';
  }

  failure(): Failure {
    return { code: 'logbook_damaged', message: this.message };
  }
}

const DAY_MS = 86_400_000;
const PAGE = 500;

/**
 * The logged drives that started in a year (in any time zone: a day either side is read, the caller keeps its year),
 * each with the chain's entries for it. Reads that year's index items and the entries they point at, nothing else.
 */
export async function loggedDrivesOfYear(store: LogbookStore, vin: string, year: number, spent: IndexBudget): Promise<LoggedDriveView[]> {
  await requireLogIndex(store, vin, spent);
  const items: LogIndexItem[] = [];
  const range = { fromMs: Date.UTC(year, 0, 1) - DAY_MS, toMs: Date.UTC(year + 1, 0, 1) + DAY_MS };
  for await (const page of pagesOf((cursor) => store.logIndexPage(vin, { ...range, limit: PAGE, cursor }))) {
    items.push(...page.filter((i) => i.driveSeq !== null));
  }
  return viewsOf(store, vin, items);
}

/** A drive's newest annotation, read through the index (null when it has none). */
export async function latestAnnotation(store: LogbookStore, vin: string, driveId: string, spent: IndexBudget): Promise<LogAnnotation | null> {
  await requireLogIndex(store, vin, spent);
  const item = await store.logIndexItem(vin, driveId);
  if (item?.noteSeq == null) return null;
  const [entry] = await store.logEntriesAt(vin, [item.noteSeq]);
  if (entry?.kind !== 'annotation' || entry.driveId !== driveId) throw new LogbookDamagedError(driveId);
  return entry;
}

async function viewsOf(store: LogbookStore, vin: string, items: readonly LogIndexItem[]): Promise<LoggedDriveView[]> {
  const seqs = items.flatMap((i) => [i.driveSeq!, ...(i.noteSeq !== null ? [i.noteSeq] : [])]);
  const bySeq = new Map((await store.logEntriesAt(vin, seqs)).map((e) => [e.seq, e]));
  return items.map((item) => {
    const drive = bySeq.get(item.driveSeq!);
    const note = item.noteSeq === null ? null : bySeq.get(item.noteSeq);
    if (!isDriveEntry(drive, item.driveId) || note === undefined || (note !== null && (note.kind !== 'annotation' || note.driveId !== item.driveId)))
      throw new LogbookDamagedError(item.driveId);
    return { drive, latest: note, notes: item.notes };
  });
}

function isDriveEntry(entry: LogEntry | undefined, driveId: string): entry is LogEntry & LogDriveFacts {
  return entry?.kind === 'drive' && entry.driveId === driveId;
}
