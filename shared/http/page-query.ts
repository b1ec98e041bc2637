import * as z from 'zod';
import { lazily } from '../domain/lazily';
import { InvalidCursorError } from '../domain/invalid-cursor-error';
import { resolveRange } from './time-range';

/** `order=newest` lists newest first and pages backwards; the default is oldest first. */
export const orderParam = lazily(() => z.enum(['oldest', 'newest']).optional());

/** A paged list's query once resolved: its time range and order, and the store's own cursor for the next page. */
export interface PageQuery {
  from: number;
  to: number;
  newestFirst: boolean;
  storeCursor: string | null;
}

interface SealedCursor {
  /** The car it pages through. */
  v: string;
  f: number;
  t: number;
  n: boolean;
  /** The store's cursor. */
  c: string;
}

/**
 * The range a list covers, taken from the cursor when there is one: a default range ends "now", which moves between
 * pages, so the cursor carries the range it was issued for (and the car and the order), and a later page covers the
 * same one. A `from`, `to` or `order` given beside a cursor must be the cursor's own.
 */
export function resolvePageQuery(
  q: { from?: string | undefined; to?: string | undefined; order?: 'oldest' | 'newest' | undefined; cursor?: string | undefined },
  vin: string,
  now: number,
): PageQuery {
  if (q.cursor === undefined) {
    const { from, to } = resolveRange(q, now);
    return { from, to, newestFirst: q.order === 'newest', storeCursor: null };
  }
  const sealed = openCursor(q.cursor);
  if (sealed.v !== vin) throw new InvalidCursorError();
  if (q.order !== undefined && (q.order === 'newest') !== sealed.n) throw new InvalidCursorError();
  if (q.from !== undefined || q.to !== undefined) {
    const given = resolveRange({ from: q.from, to: q.to ?? new Date(sealed.t).toISOString() }, now);
    if ((q.from !== undefined && given.from !== sealed.f) || given.to !== sealed.t) throw new InvalidCursorError();
  }
  return { from: sealed.f, to: sealed.t, newestFirst: sealed.n, storeCursor: sealed.c };
}

/** The cursor the API hands out for the next page, or null on the last. */
export function nextPageCursor(storeCursor: string | null, vin: string, query: PageQuery): string | null {
  if (storeCursor === null) return null;
  const sealed: SealedCursor = { v: vin, f: query.from, t: query.to, n: query.newestFirst, c: storeCursor };
  return Buffer.from(JSON.stringify(sealed)).toString('base64url');
}

function openCursor(cursor: string): SealedCursor {
  try {
    const sealed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<SealedCursor>;
    if (
      typeof sealed.v === 'string' &&
      Number.isSafeInteger(sealed.f) &&
      Number.isSafeInteger(sealed.t) &&
      typeof sealed.n === 'boolean' &&
      typeof sealed.c === 'string'
    ) {
      return sealed as SealedCursor;
    }
  } catch {
    // fall through: not one of ours
  }
  throw new InvalidCursorError();
}
