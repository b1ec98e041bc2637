import * as z from 'zod';
import { lazily } from '../../domain/lazily';
import { DRIVE_PURPOSES, formatHead, isTimeZone, logbookRows, parseHead, type LogAnnotation } from '../../domain/history/logbook';
import { until } from '../../domain/history/logbook-index';
import { latestAnnotation, loggedDrivesOfYear } from '../../domain/history/logbook-reads';
import { appendToLogbook } from '../../domain/history/logbook-append';
import { verifyLogbook } from '../../domain/history/logbook-verify';
import { placeAt } from '../../domain/places/place';
import { wallTime } from '../../domain/wall-time';
import type { ApiDeps } from '../api-deps';
import { csv, wantsCsv } from '../csv';
import { jsonObjectBody, requireRecordId, requireVin, validate } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';
import { requireDrive } from './history-routes';

export const driveEditSchema = lazily(() =>
  z
    .strictObject({
      purpose: z
        .enum(DRIVE_PURPOSES as [string, ...string[]])
        .nullable()
        .optional(),
      note: z.string().max(500).nullable().optional(),
    })
    .refine((b) => b.purpose !== undefined || b.note !== undefined, { message: 'give a purpose or a note' }),
);

export const logbookQuerySchema = lazily(() =>
  z.strictObject({
    year: z.coerce.number().int().min(2012).max(2100).optional(),
    tz: z.string().max(64).default('UTC').refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' }),
  }),
);

export const verifyQuerySchema = lazily(() =>
  z.strictObject({
    head: z
      .string()
      .max(80)
      .refine((v) => parseHead(v) !== null, { message: 'must be a chain head as exports print it: <entry number>:<64 hex digits>' })
      .optional(),
  }),
);

/**
 * How long a logbook route may spend reading before it answers: well inside API Gateway's 29 s integration timeout
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html). A verify that needs longer says it did
 * not finish; an index still being built answers 503 with Retry-After, each call getting further.
 */
export const LOGBOOK_READ_BUDGET_MS = 20_000;

const LOGBOOK_COLUMNS = [
  'start',
  'end',
  'startEarliest',
  'startLatest',
  'endEarliest',
  'endLatest',
  'startOdometerMi',
  'endOdometerMi',
  'distanceMi',
  'distanceKm',
  'purpose',
  'note',
  'from',
  'to',
  'fromPlace',
  'toPlace',
  'imported',
  'driveId',
  'edits',
  'prevHash',
  'hash',
] as const;

/**
 * The trip logbook: purposes and notes on drives (each edit a new entry, the original kept), the year's logbook in
 * the owner's time zone (CSV for a tax office), and a check of its hash chain. Nothing here can change a recorded
 * odometer figure, and none of it calls Tesla.
 */
export function logbookRoutes(deps: ApiDeps): Route[] {
  return [patchDrivesOneRoute(deps), getLogbookRoute(deps), getLogbookVerifyRoute(deps)];
}

/** PATCH /vehicles/{vin}/drives/{id} */
function patchDrivesOneRoute(deps: ApiDeps): Route {
  return {
    method: 'PATCH',
    path: '/vehicles/{vin}/drives/{id}',
    handle: async ({ params, event }) => {
      const vin = requireVin(params.vin);
      const id = requireRecordId(params.id, 'drive');
      const edit = validate(driveEditSchema(), jsonObjectBody(event), 'invalid_body');
      await requireDrive(deps, vin, id);
      const previous = await latestAnnotation(deps.history, vin, id, budget(deps));
      const annotation: LogAnnotation = {
        kind: 'annotation',
        driveId: id,
        purpose: (edit.purpose === undefined ? (previous?.purpose ?? null) : edit.purpose) as LogAnnotation['purpose'],
        note: edit.note === undefined ? (previous?.note ?? null) : edit.note,
        at: deps.clock.now(),
      };
      const entry = await appendToLogbook(deps.history, vin, annotation);
      return json(200, {
        vin,
        driveId: id,
        purpose: annotation.purpose,
        note: annotation.note,
        entry: { seq: entry.seq, hash: entry.hash, prevHash: entry.prevHash },
      });
    },
  };
}

/** GET /vehicles/{vin}/logbook */
function getLogbookRoute(deps: ApiDeps): Route {
  return {
    method: 'GET',
    path: '/vehicles/{vin}/logbook',
    handle: async ({ params, query, event }) => {
      const vin = requireVin(params.vin);
      const q = validate(logbookQuerySchema(), query, 'invalid_query');
      const year = q.year ?? wallTime(deps.clock.now(), q.tz).year;
      const places = deps.places ? await deps.places.listPlaces() : [];
      const placeName = (p: { latitude: number; longitude: number }) => placeAt(places, p)?.name ?? null;
      const rows = logbookRows(await loggedDrivesOfYear(deps.history, vin, year, budget(deps)), year, q.tz, placeName);
      const [newest] = await deps.history.lastLogEntries(vin, 1);
      const head = newest ? formatHead(newest) : null;
      if (wantsCsv(event)) {
        // The chain head closes the file: kept with the export (or handed in with it), it proves later that nothing
        // up to it was changed, removed or re-sealed (GET …/logbook/verify?head=…).
        const footer = head ? [`# logbook chain head ${head} (entry number:sha256); verify later with GET /vehicles/${vin}/logbook/verify?head=${head}`] : [];
        return csv(
          LOGBOOK_COLUMNS,
          rows,
          { 'content-disposition': `attachment; filename="logbook-${vin}-${year}.csv"`, ...(head ? { 'x-logbook-head': head } : {}) },
          footer,
        );
      }
      const totalMi = Math.round(rows.reduce((s, r) => s + r.distanceMi, 0) * 1000) / 1000;
      return json(200, { vin, year, timeZone: q.tz, totalDistanceMi: totalMi, chainHead: head, entries: rows });
    },
  };
}

/** GET /vehicles/{vin}/logbook/verify */
function getLogbookVerifyRoute(deps: ApiDeps): Route {
  return {
    method: 'GET',
    path: '/vehicles/{vin}/logbook/verify',
    handle: async ({ params, query }) => {
      const vin = requireVin(params.vin);
      const q = validate(verifyQuerySchema(), query, 'invalid_query');
      const check = await verifyLogbook(deps.history, vin, q.head ? parseHead(q.head) : null, budget(deps));
      return json(200, { vin, ...check, head: check.head ? formatHead(check.head) : null });
    },
  };
}

const budget = (deps: ApiDeps) => until(deps.clock, deps.clock.now() + LOGBOOK_READ_BUDGET_MS);
