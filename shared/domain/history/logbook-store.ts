import type { LogContent, LogEntry } from './logbook';
import { sealEntry } from './logbook';

/** Where the logbook's chain is kept: append-only, one entry per sequence number. */
export interface LogbookStore {
  /** The newest entries, newest first. */
  lastLogEntries(vin: string, count: number): Promise<LogEntry[]>;
  /** Adds the entry unless its sequence number is taken (then false: someone appended first). */
  appendLogEntry(entry: LogEntry): Promise<boolean>;
  /** Every entry, oldest first. */
  logEntries(vin: string): Promise<LogEntry[]>;
}

/** Others kept appending to the chain while this append tried: nothing was written; trying again is safe. */
export class LogbookBusyError extends Error {
  constructor() {
    super('the logbook is being written by others; nothing was saved, try again');
    this.name = 'LogbookBusyError';
  }
}

/**
 * Appends to the car's chain. A drive already logged with the same figures (a retried collector pass) is not logged
 * twice; two writers racing for a sequence number retry on the newer end of the chain.
 */
export async function appendToLogbook(store: LogbookStore, vin: string, content: LogContent, attempts = 8): Promise<LogEntry> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const recent = await store.lastLogEntries(vin, 8);
    if (content.kind === 'drive') {
      const same = recent.find((e) => e.kind === 'drive' && e.driveId === content.driveId && e.endAt === content.endAt && e.endOdometerMi === content.endOdometerMi);
      if (same) return same;
    }
    const entry = sealEntry(vin, recent[0] ?? null, content);
    if (await store.appendLogEntry(entry)) return entry;
  }
  throw new LogbookBusyError();
}
