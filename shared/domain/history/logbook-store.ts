import type { HistoryPage, HistoryQuery } from './history-page';
import type { LogEntry } from './logbook';

/**
 * Where the logbook's chain is kept (append-only, one entry per sequence number) with its index. Every read is
 * bounded: by a count, by sequence numbers, or by drive start times a page at a time.
 */
export interface LogbookStore {
  /** The newest entries, newest first. */
  lastLogEntries(vin: string, count: number): Promise<LogEntry[]>;
  /** Adds the entry unless its sequence number is taken (then false: someone appended first). */
  appendLogEntry(entry: LogEntry): Promise<boolean>;
  /** Up to `limit` entries after sequence number `afterSeq`, oldest first. */
  logEntriesAfter(vin: string, afterSeq: number, limit: number): Promise<LogEntry[]>;
  /** The entries with these sequence numbers that exist, in any order. */
  logEntriesAt(vin: string, seqs: readonly number[]): Promise<LogEntry[]>;
  /** The newest entry the index has applied (0 when none). */
  logIndexedThrough(vin: string): Promise<number>;
  /** Applies updates (idempotent, in any order), then records that entries up to `through` are applied. */
  applyToLogIndex(vin: string, updates: readonly LogIndexUpdate[], through: number): Promise<void>;
  /** Index items by their drive's start time (the drive id), oldest first unless the query asks newest first. */
  logIndexPage(vin: string, query: HistoryQuery): Promise<HistoryPage<LogIndexItem>>;
  logIndexItem(vin: string, driveId: string): Promise<LogIndexItem | null>;
}

/** Where the index says a logged drive's entries are (see logbook-index). Pointers only, never content. */
export interface LogIndexItem {
  driveId: string;
  /** The drive's entry (null while only annotations of a drive not logged yet are indexed). */
  driveSeq: number | null;
  /** The drive's newest annotation, if it has one. */
  noteSeq: number | null;
  /** How many annotations the drive has. */
  notes: number;
}

/** What a run of entries adds to one drive's index item. */
export interface LogIndexUpdate {
  driveId: string;
  /** The newest drive entry for the drive among the run, if any. */
  driveSeq: number | null;
  /** Every annotation of the drive among the run (the newest is the largest). */
  noteSeqs: number[];
}
