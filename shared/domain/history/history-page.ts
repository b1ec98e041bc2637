/** A page of records and the cursor that continues it. */
export interface HistoryPage<T> {
  items: T[];
  /** Opaque; pass back for the next page. Null on the last page. */
  cursor: string | null;
}

/** Which records a page reads: a time range, a page size, where to go on, the order. */
export interface HistoryQuery {
  fromMs: number;
  toMs: number;
  limit: number;
  cursor?: string | null;
  /** Newest first (and paged backwards); default oldest first. */
  newestFirst?: boolean;
}
