import type { DescribedFailure, Failure } from '../failure';
import type { LogContent, LogEntry } from './logbook';
import { sealEntry } from './logbook';
import { catchUpLogIndex, pages } from './logbook-index';
import type { LogbookStore } from './logbook-store';

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
      const same = recent.find(
        (e) => e.kind === 'drive' && e.driveId === content.driveId && e.endAt === content.endAt && e.endOdometerMi === content.endOdometerMi,
      );
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
