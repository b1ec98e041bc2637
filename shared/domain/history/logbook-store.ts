import type { DescribedFailure, Failure } from '../failure';
import type { HistoryPage, HistoryQuery } from './history-page';
import type { LogContent, LogEntry } from './logbook';
import { catchUpLogIndex, pages, type LogIndexItem, type LogIndexUpdate } from './logbook-index';
import { sealEntry } from './logbook';

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

/** Others kept appending to the chain while this append tried: nothing was written; trying again is safe. */
export class LogbookBusyError extends Error implements DescribedFailure {
  constructor() {
    super('the logbook is being written by others; nothing was saved, try again');
    this.name = 'LogbookBusyError';
  }

  failure(): Failure {
    return { code: 'logbook_busy', message: this.message, retryAfterSeconds: 1 };
  }
}

/**
 * Appends to the car's chain. A drive already logged with the same figures (a retried collector pass) is not logged
 * twice; two writers racing for a sequence number retry on the newer end of the chain. The index follows: if that
 * fails, the entry is kept and the next reader applies it.
 */
export async function appendToLogbook(store: LogbookStore, vin: string, content: LogContent, attempts = 8): Promise<LogEntry> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const recent = await store.lastLogEntries(vin, 8);
    if (content.kind === 'drive') {
      const same = recent.find((e) => e.kind === 'drive' && e.driveId === content.driveId && e.endAt === content.endAt && e.endOdometerMi === content.endOdometerMi);
      if (same) return same;
    }
    const entry = sealEntry(vin, recent[0] ?? null, content);
    if (await store.appendLogEntry(entry)) {
      // Saved either way; a long backlog (the first write after an upgrade) is left to readers, which have the time.
      await catchUpLogIndex(store, vin, pages(2)).catch(() => undefined);
      return entry;
    }
  }
  throw new LogbookBusyError();
}
