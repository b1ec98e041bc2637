import { createHash } from 'node:crypto';
import type { Drive } from './history-records';
import { pagesOf } from './history-page';
import type { HistoryStore } from './history-store';
import { canonical, driveFacts, GENESIS_HASH, hashOf, type ChainHead, type LogEntry } from './logbook';
import { catchUpLogIndex, type IndexBudget, type LogIndexItem } from './logbook-index';

/** Lists in a check name at most this many drives; the counts are always whole. */
export const LISTED = 100;

export interface ChainCheck {
  /** Null when the check could not finish in its time (a very long chain): nothing is claimed then. */
  intact: boolean | null;
  /** Whether the whole chain, every drive and the whole index were checked. */
  complete: boolean;
  entries: number;
  /** The chain's newest entry now: keep it to check later that nothing up to it changed. Null for an empty chain. */
  head: ChainHead | null;
  /** The first entry that does not follow from the one before (changed, removed or reordered), if any. */
  brokenAtSeq: number | null;
  /** Drives whose recorded figures no longer match the logbook (history changed after it was logged). */
  changedDrives: string[];
  changedDriveCount: number;
  /** Drives recorded since the logbook began that have no entry in it (an entry removed, the tail cut off). */
  missingDrives: string[];
  missingDriveCount: number;
  /** Entries the chain held before and holds no more at its end (the tail cut off), as the index remembers. */
  lostEntries: number;
  /** Drives whose index (what the logbook's rows are read through) does not point where the chain says. */
  indexMismatches: string[];
  /** Against a head kept earlier: the chain still holds it, or it lost entries, or that entry is not the same. */
  keptHead: 'matches' | 'missing' | 'differs' | null;
}

interface Logged {
  driveSeq: number | null;
  /** A digest of the drive entry's figures (canonical JSON): a few bytes a drive, however long the chain. */
  facts: string | null;
  /** The entry seals the drive's time bounds (entries sealed before they were kept do not). */
  timed: boolean;
  /** The drive has drive entries that disagree with each other. */
  conflicting: boolean;
  /** Seen among the drives recorded now. */
  recorded: boolean;
  noteSeq: number | null;
  notes: number;
  indexed: boolean;
}

/**
 * Checks a chain read a page at a time, keeping only a few numbers per drive: each entry follows from the one before,
 * each drive entry matches the drive as recorded now, every drive recorded since the first logged one has its entry,
 * the index points where the chain says, and a head kept earlier is still in the chain.
 */
export class ChainWalker {
  private previous: { seq: number; hash: string } | null = null;
  private count = 0;
  private brokenAtSeq: number | null = null;
  private keptHash: string | null = null;
  private firstStart: number | null = null;
  private readonly drives = new Map<string, Logged>();
  private readonly missing: string[] = [];
  private missingCount = 0;
  private readonly indexWrong = new Set<string>();

  constructor(
    private readonly vin: string,
    private readonly keptHead: ChainHead | null,
  ) {}

  /** The next entry, in sequence order. */
  add(entry: LogEntry): void {
    const { vin: _v, seq, prevHash, hash, ...content } = entry;
    this.count += 1;
    const expectedSeq = (this.previous?.seq ?? 0) + 1;
    const expectedPrev = this.previous?.hash ?? GENESIS_HASH;
    if (this.brokenAtSeq === null && (seq !== expectedSeq || prevHash !== expectedPrev || hash !== hashOf(this.vin, seq, prevHash, content)))
      this.brokenAtSeq = seq;
    if (this.keptHead?.seq === seq) this.keptHash = hash;
    const logged = this.drives.get(entry.driveId) ?? {
      driveSeq: null,
      facts: null,
      timed: false,
      conflicting: false,
      recorded: false,
      noteSeq: null,
      notes: 0,
      indexed: false,
    };
    if (entry.kind === 'drive') {
      const facts = digest(content);
      if (logged.facts !== null && logged.facts !== facts) logged.conflicting = true;
      logged.facts = facts;
      logged.timed = entry.times !== undefined;
      logged.driveSeq = seq;
      this.firstStart = Math.min(this.firstStart ?? entry.startAt, entry.startAt);
    } else {
      logged.noteSeq = seq;
      logged.notes += 1;
    }
    this.drives.set(entry.driveId, logged);
    this.previous = { seq, hash };
  }

  /** Where the drives to check begin: the first logged drive's start (null: nothing logged yet). */
  get firstLoggedStart(): number | null {
    return this.firstStart;
  }

  get headSeq(): number {
    return this.previous?.seq ?? 0;
  }

  /** A drive as recorded now, from the first logged start on; each once. */
  checkDrive(drive: Drive): void {
    if (this.firstStart === null || drive.start.at < this.firstStart) return;
    const logged = this.drives.get(drive.id);
    if (logged?.facts == null) {
      this.missingCount += 1;
      if (this.missing.length < LISTED) this.missing.push(drive.id);
      return;
    }
    // An entry sealed before time bounds were kept is compared on what it sealed.
    const { times, ...untimed } = driveFacts(drive);
    logged.recorded = logged.facts === digest(logged.timed ? { ...untimed, times } : untimed);
  }

  /**
   * An index item. `horizon`: the newest entry indexed before the walk began (every entry up to it existed then);
   * pointers past it are entries appended since, not judged.
   */
  checkIndexItem(item: LogIndexItem, horizon: number): void {
    const logged = this.drives.get(item.driveId);
    if (!logged) {
      if ((item.driveSeq ?? 0) <= horizon && (item.noteSeq ?? 0) <= horizon) this.indexWrong.add(item.driveId);
      return;
    }
    logged.indexed = true;
    const driveOk = (item.driveSeq ?? 0) > horizon || item.driveSeq === logged.driveSeq;
    const notesOk = (item.noteSeq ?? 0) > horizon || (item.noteSeq === logged.noteSeq && item.notes === logged.notes);
    if (!driveOk || !notesOk) this.indexWrong.add(item.driveId);
  }

  /** The check when it could not finish: nothing claimed. */
  unfinished(): ChainCheck {
    return { ...this.finish({ lostEntries: 0, indexChecked: false }), intact: null, complete: false };
  }

  finish(options: { lostEntries: number; indexChecked: boolean }): ChainCheck {
    const changed: string[] = [];
    let changedCount = 0;
    for (const [id, logged] of this.drives) {
      if (options.indexChecked && !logged.indexed) this.indexWrong.add(id);
      if (logged.facts === null || (logged.recorded && !logged.conflicting)) continue;
      changedCount += 1;
      if (changed.length < LISTED) changed.push(id);
    }
    const head = this.previous ? { seq: this.previous.seq, hash: this.previous.hash } : null;
    const keptHead = this.keptHead === null ? null : this.keptHash === null ? 'missing' : this.keptHash === this.keptHead.hash ? 'matches' : 'differs';
    const indexMismatches = [...this.indexWrong].slice(0, LISTED);
    const intact =
      this.brokenAtSeq === null &&
      changedCount === 0 &&
      this.missingCount === 0 &&
      options.lostEntries === 0 &&
      indexMismatches.length === 0 &&
      (keptHead === null || keptHead === 'matches');
    return {
      intact,
      complete: true,
      entries: this.count,
      head,
      brokenAtSeq: this.brokenAtSeq,
      changedDrives: changed,
      changedDriveCount: changedCount,
      missingDrives: this.missing,
      missingDriveCount: this.missingCount,
      lostEntries: options.lostEntries,
      indexMismatches,
      keptHead,
    };
  }
}

const digest = (facts: object): string => createHash('sha256').update(canonical(facts)).digest('base64');

/** A whole chain in memory against the drives recorded now (no index): for tests and small tools. */
export function verifyChain(
  vin: string,
  entries: readonly LogEntry[],
  currentDrives: ReadonlyMap<string, Drive>,
  keptHead: ChainHead | null = null,
): ChainCheck {
  const walker = new ChainWalker(vin, keptHead);
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) walker.add(entry);
  for (const drive of currentDrives.values()) walker.checkDrive(drive);
  return walker.finish({ lostEntries: 0, indexChecked: false });
}

const PAGE = 1000;
/** The latest time to read to: the last of year 9999, the last a four-digit ISO year (as keys hold it) can name. */
const END_OF_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Verifies a car's logbook from the store a page at a time: memory grows with the number of drives (a few numbers
 * each), never with the chain's size in bytes. `spent` ends it early (a deadline): the answer then claims nothing.
 */
export async function verifyLogbook(store: HistoryStore, vin: string, keptHead: ChainHead | null, spent: IndexBudget = () => false): Promise<ChainCheck> {
  const walker = new ChainWalker(vin, keptHead);
  if (!(await catchUpLogIndex(store, vin, spent)).caughtUp) return walker.unfinished();
  // Read before the walk: every entry up to it existed then, and entries are never removed.
  const indexedThrough = await store.logIndexedThrough(vin);
  for (let after = 0; ;) {
    const entries = await store.logEntriesAfter(vin, after, PAGE);
    if (entries.length === 0) break;
    for (const entry of entries) walker.add(entry);
    after = entries.at(-1)!.seq;
    if (spent()) return walker.unfinished();
  }
  const first = walker.firstLoggedStart;
  if (first !== null) {
    for await (const drives of pagesOf((cursor) => store.listDrives(vin, { fromMs: first, toMs: END_OF_TIME, limit: PAGE, cursor }))) {
      for (const drive of drives) walker.checkDrive(drive);
      if (spent()) return walker.unfinished();
    }
  }
  for await (const items of pagesOf((cursor) => store.logIndexPage(vin, { fromMs: 0, toMs: END_OF_TIME, limit: PAGE, cursor }))) {
    for (const item of items) walker.checkIndexItem(item, indexedThrough);
    if (spent()) return walker.unfinished();
  }
  return walker.finish({ lostEntries: Math.max(0, indexedThrough - walker.headSeq), indexChecked: true });
}
