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

/** The items of a paged read, a page at a time, following its cursor to the end. */
export async function* pagesOf<T>(read: (cursor: string | null) => Promise<HistoryPage<T>>): AsyncGenerator<T[]> {
  let cursor: string | null = null;
  do {
    const page: HistoryPage<T> = await read(cursor);
    yield page.items;
    cursor = page.cursor;
  } while (cursor !== null);
}

/** Every item of a paged read, in one list (for reads known to be small: a month's sessions, an import's period). */
export async function allPagesOf<T>(read: (cursor: string | null) => Promise<HistoryPage<T>>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pagesOf(read)) items.push(...page);
  return items;
}
