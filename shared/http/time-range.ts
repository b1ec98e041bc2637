import * as z from 'zod';
import { lazily } from '../domain/lazily';
import { DAY_MS } from '../domain/clock';
import { badRequest } from './api-error';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
export const DEFAULT_RANGE_DAYS = 30;

export const isoInstant = lazily(() =>
  z
    .string()
    .refine((v) => (DATE_ONLY.test(v) || DATE_TIME.test(v)) && !Number.isNaN(Date.parse(v)), {
      message: 'must be an ISO 8601 date (2026-01-31) or date-time with zone (2026-01-31T08:00:00Z)',
    })
    .describe('ISO 8601 date or date-time with zone'),
);

/** `from`/`to` query values → ms. `to` given as a date means the end of that UTC day; the default is the last 30 days. */
export function resolveRange(q: { from?: string | undefined; to?: string | undefined }, now: number): { from: number; to: number } {
  const toMs = (value: string, endOfDay: boolean): number => {
    const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
    return DATE_ONLY.test(value) && endOfDay ? ms + DAY_MS - 1 : ms;
  };
  const to = q.to === undefined ? now : toMs(q.to, true);
  const from = q.from === undefined ? to - DEFAULT_RANGE_DAYS * DAY_MS : toMs(q.from, false);
  if (from > to) throw badRequest('invalid_query', '`from` must not be after `to`');
  return { from, to };
}
