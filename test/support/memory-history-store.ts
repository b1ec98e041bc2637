import type { HistoryState, HistoryStep } from '../../shared/domain/history/history-machine';
import type { ChargingSession, Drive, IdlePeriod, ImportedRange, SoftwareVersionSeen, StateChange } from '../../shared/domain/history/history-records';
import type { HistoryPage, HistoryQuery, HistoryStore } from '../../shared/domain/history/history-store';
import type { LogEntry } from '../../shared/domain/history/logbook';
import type { LogIndexItem, LogIndexUpdate } from '../../shared/domain/history/logbook-index';
import type { MonthTotals } from '../../shared/domain/history/monthly-totals';

/** In-memory derived history for unit tests above the port; cursors are offsets. */
export class MemoryHistoryStore implements HistoryStore {
  readonly states = new Map<string, HistoryState>();
  readonly drives = new Map<string, Drive>();
  readonly charges = new Map<string, ChargingSession>();
  readonly versions = new Map<string, SoftwareVersionSeen>();
  readonly months = new Map<string, MonthTotals>();
  readonly log: LogEntry[] = [];
  readonly logIndex = new Map<string, { driveId: string; driveSeq: number | null; noteSeq: number | null; noteSeqs: Set<number> }>();
  readonly indexedThrough = new Map<string, number>();
  readonly idles = new Map<string, IdlePeriod>();
  readonly costs = new Map<string, number>();
  readonly stateChanges: StateChange[] = [];
  readonly ranges = new Map<string, ImportedRange>();
  /** Keys of drives and sessions kept from another logger: clearing leaves them. */
  readonly kept = new Set<string>();

  putStateChange(change: StateChange, state?: HistoryState): Promise<void> {
    this.stateChanges.push(structuredClone(change));
    if (state !== undefined) this.states.set(change.vin, structuredClone(state));
    return Promise.resolve();
  }
  stateChangesBetween(vin: string, fromMs: number, toMs: number): Promise<StateChange[]> {
    return Promise.resolve(this.stateChanges.filter((c) => c.vin === vin && c.at >= fromMs && c.at <= toMs).sort((a, b) => a.at - b.at));
  }

  getHistoryState(vin: string): Promise<HistoryState | null> {
    return Promise.resolve(structuredClone(this.states.get(vin) ?? null));
  }
  saveHistoryStep(vin: string, step: HistoryStep, options?: { keepState?: boolean }): Promise<void> {
    for (const d of step.drives) this.drives.set(`${vin}#${d.start.at}`, structuredClone(d));
    for (const c of step.charges) this.charges.set(`${vin}#${c.start.at}`, structuredClone(c));
    for (const v of step.versions) this.versions.set(`${vin}#${v.firstSeenAt}`, structuredClone(v));
    for (const i of step.idles ?? []) this.idles.set(`${vin}#${i.startAt}`, structuredClone(i));
    if (!options?.keepState) this.states.set(vin, structuredClone(step.state));
    return Promise.resolve();
  }
  keepImportedRecords(vin: string, records: { drives: readonly Drive[]; charges: readonly ChargingSession[] }): Promise<void> {
    for (const d of records.drives) this.drives.set(`${vin}#${d.start.at}`, structuredClone(d));
    for (const c of records.charges) this.charges.set(`${vin}#${c.start.at}`, structuredClone(c));
    for (const r of [...records.drives.map((d) => `D${vin}#${d.start.at}`), ...records.charges.map((c) => `C${vin}#${c.start.at}`)]) this.kept.add(r);
    return Promise.resolve();
  }
  importedRanges(vin: string): Promise<ImportedRange[]> {
    return Promise.resolve([...this.ranges.values()].filter((r) => r.vin === vin).sort((a, b) => a.fromMs - b.fromMs));
  }
  putImportedRange(range: ImportedRange): Promise<void> {
    const key = `${range.vin}#${range.source}#${range.fromMs}`;
    const before = this.ranges.get(key);
    this.ranges.set(key, { ...range, toMs: Math.max(range.toMs, before?.toMs ?? 0) });
    return Promise.resolve();
  }
  listDrives(vin: string, query: HistoryQuery): Promise<HistoryPage<Drive>> {
    return Promise.resolve(
      page(
        [...this.drives.values()].filter((d) => d.vin === vin),
        (d) => d.start.at,
        query,
      ),
    );
  }
  getCharge(vin: string, id: string): Promise<ChargingSession | null> {
    return Promise.resolve(this.charges.get(`${vin}#${id}`) ?? null);
  }
  chargeCosts(vin: string): Promise<Map<string, number>> {
    return Promise.resolve(new Map([...this.costs].filter(([k]) => k.startsWith(`${vin}#`)).map(([k, v]) => [k.slice(vin.length + 1), v])));
  }
  putChargeCost(vin: string, id: string, cost: number | null): Promise<void> {
    if (cost === null) this.costs.delete(`${vin}#${id}`);
    else this.costs.set(`${vin}#${id}`, cost);
    return Promise.resolve();
  }
  listIdles(vin: string, query: HistoryQuery): Promise<HistoryPage<IdlePeriod>> {
    return Promise.resolve(
      page(
        [...this.idles.values()].filter((i) => i.vin === vin),
        (i) => i.startAt,
        query,
      ),
    );
  }
  getDrive(vin: string, id: string): Promise<Drive | null> {
    return Promise.resolve(this.drives.get(`${vin}#${id}`) ?? null);
  }
  listCharges(vin: string, query: HistoryQuery): Promise<HistoryPage<ChargingSession>> {
    return Promise.resolve(
      page(
        [...this.charges.values()].filter((c) => c.vin === vin),
        (c) => c.start.at,
        query,
      ),
    );
  }
  listMonths(vin: string, fromMonth: string, toMonth: string): Promise<MonthTotals[]> {
    return Promise.resolve(
      [...this.months.values()].filter((m) => m.vin === vin && m.month >= fromMonth && m.month <= toMonth).sort((a, b) => a.month.localeCompare(b.month)),
    );
  }
  putMonth(totals: MonthTotals): Promise<void> {
    this.months.set(`${totals.vin}#${totals.month}`, structuredClone(totals));
    return Promise.resolve();
  }
  lastLogEntries(vin: string, count: number): Promise<LogEntry[]> {
    return Promise.resolve(
      this.log
        .filter((e) => e.vin === vin)
        .sort((a, b) => b.seq - a.seq)
        .slice(0, count)
        .map((e) => structuredClone(e)),
    );
  }
  appendLogEntry(entry: LogEntry): Promise<boolean> {
    if (this.log.some((e) => e.vin === entry.vin && e.seq === entry.seq)) return Promise.resolve(false);
    this.log.push(structuredClone(entry));
    return Promise.resolve(true);
  }
  /** Every entry of a car, oldest first (for tests; the port reads the chain a part at a time). */
  logEntries(vin: string): LogEntry[] {
    return this.log
      .filter((e) => e.vin === vin)
      .sort((a, b) => a.seq - b.seq)
      .map((e) => structuredClone(e));
  }
  logEntriesAfter(vin: string, afterSeq: number, limit: number): Promise<LogEntry[]> {
    return Promise.resolve(
      this.logEntries(vin)
        .filter((e) => e.seq > afterSeq)
        .slice(0, limit),
    );
  }
  logEntriesAt(vin: string, seqs: readonly number[]): Promise<LogEntry[]> {
    return Promise.resolve(this.logEntries(vin).filter((e) => seqs.includes(e.seq)));
  }
  logIndexedThrough(vin: string): Promise<number> {
    return Promise.resolve(this.indexedThrough.get(vin) ?? 0);
  }
  applyToLogIndex(vin: string, updates: readonly LogIndexUpdate[], through: number): Promise<void> {
    for (const u of updates) {
      const key = `${vin}#${u.driveId}`;
      const item = this.logIndex.get(key) ?? { driveId: u.driveId, driveSeq: null, noteSeq: null, noteSeqs: new Set<number>() };
      if (u.driveSeq !== null && (item.driveSeq === null || item.driveSeq < u.driveSeq)) item.driveSeq = u.driveSeq;
      for (const n of u.noteSeqs) item.noteSeqs.add(n);
      if (u.noteSeqs.length > 0) item.noteSeq = Math.max(item.noteSeq ?? 0, ...u.noteSeqs);
      this.logIndex.set(key, item);
    }
    this.indexedThrough.set(vin, Math.max(this.indexedThrough.get(vin) ?? 0, through));
    return Promise.resolve();
  }
  logIndexPage(vin: string, query: HistoryQuery): Promise<HistoryPage<LogIndexItem>> {
    const mine = [...this.logIndex]
      .filter(([k]) => k.startsWith(`${vin}#`))
      .map(([, i]) => ({ driveId: i.driveId, driveSeq: i.driveSeq, noteSeq: i.noteSeq, notes: i.noteSeqs.size }));
    return Promise.resolve(page(mine, (i) => Number(i.driveId), query));
  }
  logIndexItem(vin: string, driveId: string): Promise<LogIndexItem | null> {
    const i = this.logIndex.get(`${vin}#${driveId}`);
    return Promise.resolve(i ? { driveId: i.driveId, driveSeq: i.driveSeq, noteSeq: i.noteSeq, notes: i.noteSeqs.size } : null);
  }
  clearHistoryFrom(vin: string, fromMs: number, toMs = Number.POSITIVE_INFINITY): Promise<number> {
    const drop = <T extends { vin: string }>(map: Map<string, T>, at: (record: T) => number, kind = ''): number => {
      let deleted = 0;
      for (const [key, record] of map) {
        if (record.vin !== vin || at(record) < fromMs || at(record) > toMs || this.kept.has(`${kind}${key}`)) continue;
        if (map.delete(key)) deleted += 1;
      }
      return deleted;
    };
    return Promise.resolve(
      drop(this.drives, (d) => d.start.at, 'D') +
        drop(this.charges, (c) => c.start.at, 'C') +
        drop(this.versions, (v) => v.firstSeenAt) +
        drop(this.idles, (i) => i.startAt),
    );
  }
  listVersions(vin: string): Promise<SoftwareVersionSeen[]> {
    return Promise.resolve([...this.versions.values()].filter((v) => v.vin === vin).sort((a, b) => a.firstSeenAt - b.firstSeenAt));
  }
}

function page<T>(all: T[], at: (item: T) => number, query: HistoryQuery): HistoryPage<T> {
  const mine = all.filter((item) => at(item) >= query.fromMs && at(item) <= query.toMs).sort((a, b) => (query.newestFirst ? at(b) - at(a) : at(a) - at(b)));
  const start = query.cursor ? Number(query.cursor) : 0;
  return { items: mine.slice(start, start + query.limit), cursor: start + query.limit < mine.length ? String(start + query.limit) : null };
}
