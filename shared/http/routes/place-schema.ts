import * as z from 'zod';
import { lazily } from '../../domain/lazily';
import { minutesOfDay, overlappingPeriods } from '../../domain/places/tariff';
import { isTimeZone } from '../../domain/wall-time';

const CURRENCIES = lazily(() => new Set(Intl.supportedValuesOf('currency')));
const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];
const ALL_MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const rate = (max: number) => z.number().min(0).max(max);
const hhmm = () => z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time like 07:30 (24:00 ends a day)');

/** A time-of-use period; one past midnight is two (23:00–24:00 and 00:00–07:00). */
const periodSchema = () =>
  z
    .strictObject({
      name: z.string().trim().min(1).max(40),
      from: hhmm(),
      to: hhmm(),
      days: z.array(z.number().int().min(1).max(7)).min(1).max(7).default(ALL_DAYS),
      months: z.array(z.number().int().min(1).max(12)).min(1).max(12).default(ALL_MONTHS),
      perKwh: rate(100).optional(),
      perMinute: rate(100).optional(),
    })
    .refine((p) => minutesOfDay(p.from) < minutesOfDay(p.to), { message: 'must be after from (split a period past midnight in two)', path: ['to'] });

export const tariffSchema = lazily(() =>
  z
    .strictObject({
      currency: z.string().refine((c) => CURRENCIES().has(c), 'must be an ISO 4217 currency code, like EUR or USD'),
      timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone, like Europe/Berlin'),
      perKwh: rate(100).default(0),
      perMinute: rate(100).default(0),
      sessionFee: rate(1000).default(0),
      periods: z.array(periodSchema()).max(24).default([]),
    })
    .superRefine((t, ctx) => {
      const clash = overlappingPeriods(t.periods);
      if (clash) ctx.addIssue({ code: 'custom', path: ['periods', clash[1]], message: `overlaps periods.${clash[0]}: a minute can have only one rate` });
    }),
);

/** A place as the owner sets it (`PUT /places/{id}`). */
export const placeSchema = lazily(() =>
  z.strictObject({
    name: z.string().trim().min(1).max(60),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    radiusM: z.number().min(10).max(50_000).default(150),
    kind: z.enum(['home', 'work', 'public']).default('public'),
    tariff: tariffSchema().nullable().default(null),
  }),
);

/** A place's id: the owner's own short name for it. */
export const PLACE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Which place a charging session was at, chosen by hand (null: by its location again). */
export const chargePlaceSchema = lazily(() => z.strictObject({ placeId: z.string().regex(PLACE_ID, 'must be a place id').nullable() }));
