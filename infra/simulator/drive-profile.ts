import * as z from 'zod';
import { DAY_MS, MINUTE_MS } from '../../shared/domain/clock';
import { PACK_KWH } from './sim-energy';

/**
 * How a simulated car spends its time, repeated every `periodMinutes` from `anchor`. Minutes not covered by a
 * segment are spent parked. JSON format (also what `--profile FILE` loads):
 *
 *   { "periodMinutes": 1440, "outsideTempC": 8, "softwareUpdateEveryDays": 21,
 *     "segments": [ { "startMinute": 460, "minutes": 20, "activity": "climate" },
 *                   { "startMinute": 480, "minutes": 35, "activity": "drive", "speedMph": 32 },
 *                   { "startMinute": 600, "minutes": 240, "activity": "sentry" },
 *                   { "startMinute": 900, "minutes": 30, "activity": "supercharge", "peakKw": 250 },
 *                   { "startMinute": 1200, "minutes": 180, "activity": "charge", "percentPerHour": 15 } ] }
 *
 * - `charge`: plugged in at a steady rate (60 %/h and faster counts as DC fast charging);
 * - `supercharge`: a DC fast charger whose power tapers from `peakKw` as the battery fills;
 * - `sentry` and `climate` (preconditioning): parked, but held awake and drawing more, as the owner's settings do;
 * - `outsideTempC` (default 12) changes what driving and climate cost;
 * - `wakeBeforeDriveMinutes` (default 0): the car wakes this long before each drive that follows a parking, as a
 *   real one does when the owner walks up with the phone key;
 * - `batteryHealthPercent` (default 100): the pack holds this share of a new one's 75 kWh, and its rated range at
 *   100 % shrinks with it (the rated Wh per mile is the model's), as a worn battery's does;
 * - `slowPuncture` (`{ "wheel": "rl", "fromDay": 3, "barPerDay": 0.08 }`): from that day after the car's start, that
 *   tyre loses air at that rate (the others stay at the recommended 2.9 bar, warmer by 0.15 bar while driving);
 * - `softwareUpdateEveryDays`: every so many days after the car's start an update becomes available; it installs at
 *   02:00 UTC the next night, holding the car awake for 30 minutes (if the car is out then, it installs without that).
 */
const timed = { startMinute: z.int().min(0), minutes: z.int().min(1) };
export const driveProfileSchema = z
  .strictObject({
    name: z.string().optional(),
    // Up to two months: a month parked at an airport is a profile too.
    periodMinutes: z
      .int()
      .min(10)
      .max(62 * 24 * 60),
    outsideTempC: z.number().min(-40).max(50).optional(),
    wakeBeforeDriveMinutes: z.int().min(0).max(10).optional(),
    batteryHealthPercent: z.number().min(50).max(100).optional(),
    softwareUpdateEveryDays: z.int().min(2).max(365).optional(),
    slowPuncture: z
      .strictObject({ wheel: z.enum(['fl', 'fr', 'rl', 'rr']), fromDay: z.number().min(0).max(365), barPerDay: z.number().positive().max(3) })
      .optional(),
    segments: z.array(
      z.discriminatedUnion('activity', [
        z.strictObject({ activity: z.literal('drive'), ...timed, speedMph: z.number().positive().max(150) }),
        z.strictObject({ activity: z.literal('charge'), ...timed, percentPerHour: z.number().positive().max(400) }),
        z.strictObject({ activity: z.literal('supercharge'), ...timed, peakKw: z.number().min(20).max(400) }),
        z.strictObject({ activity: z.literal('sentry'), ...timed }),
        z.strictObject({ activity: z.literal('climate'), ...timed }),
      ]),
    ),
  })
  .superRefine((p, ctx) => {
    const sorted = [...p.segments].sort((a, b) => a.startMinute - b.startMinute);
    sorted.forEach((s, i) => {
      if (s.startMinute + s.minutes > p.periodMinutes) ctx.addIssue({ code: 'custom', message: `segment at minute ${s.startMinute} runs past the period` });
      const next = sorted[i + 1];
      if (next && s.startMinute + s.minutes > next.startMinute)
        ctx.addIssue({ code: 'custom', message: `segments at minutes ${s.startMinute} and ${next.startMinute} overlap` });
    });
  });

export type DriveProfile = z.infer<typeof driveProfileSchema>;
export type Segment = DriveProfile['segments'][number];

/**
 * What keeps a parked car awake on its own: sentry, the cabin conditioned, a software update installing, the owner
 * walking up to drive.
 */
export type Hold = 'sentry' | 'climate' | 'update' | 'owner';

/** `charge`: `ratedKw` is the charger's power (DC: at low charge, tapering above 30 %). */
export type Activity = { kind: 'park'; hold: Hold | null } | { kind: 'drive'; speedMph: number } | { kind: 'charge'; ratedKw: number; dc: boolean };

/** A `charge` segment at this rate or faster is DC fast charging (about 45 kW and up). */
const DC_PERCENT_PER_HOUR = 60;
const PARKED: Activity = { kind: 'park', hold: null };

/** The default local demo: an hour-long loop that starts with a drive, so the odometer rises within a minute. */
export const DEMO_PROFILE: DriveProfile = {
  name: 'demo-hourly',
  periodMinutes: 60,
  segments: [
    { activity: 'drive', startMinute: 0, minutes: 12, speedMph: 30 },
    { activity: 'charge', startMinute: 40, minutes: 15, percentPerHour: 30 },
  ],
};

/**
 * A commuter's day in UTC: two commutes, an errand in the evening, charging overnight; a cool 8 °C, the phone key
 * waking the car before each drive, a software update every two weeks, and a pack some years old (92 % of new).
 */
export const COMMUTER_PROFILE: DriveProfile = {
  name: 'commuter-daily',
  periodMinutes: 1440,
  outsideTempC: 8,
  batteryHealthPercent: 92,
  wakeBeforeDriveMinutes: 2,
  softwareUpdateEveryDays: 14,
  segments: [
    { activity: 'drive', startMinute: 7 * 60 + 40, minutes: 35, speedMph: 32 },
    { activity: 'drive', startMinute: 17 * 60 + 15, minutes: 40, speedMph: 28 },
    { activity: 'drive', startMinute: 19 * 60, minutes: 15, speedMph: 24 },
    { activity: 'charge', startMinute: 22 * 60, minutes: 150, percentPerHour: 12 },
  ],
};

/** Where in the profile time `t` falls: the activity and when that activity ends (ms). */
export function activityAt(profile: DriveProfile, anchor: number, t: number, updatesSince = anchor): { activity: Activity; until: number } {
  const planned = withOwnerApproach(profile, anchor, t, plannedActivityAt(profile, anchor, t));
  const install = installWindowAround(profile, updatesSince, t);
  if (install === null || planned.activity.kind !== 'park' || planned.activity.hold !== null) return planned;
  // An update installs only while the car is parked with nothing else to do.
  if (t < install.from) return { activity: planned.activity, until: Math.min(planned.until, install.from) };
  return { activity: { kind: 'park', hold: 'update' }, until: Math.min(planned.until, install.to) };
}

/** The last `wakeBeforeDriveMinutes` of a plain parking before a drive: the owner is at the car. */
function withOwnerApproach(
  profile: DriveProfile,
  anchor: number,
  t: number,
  planned: { activity: Activity; until: number },
): { activity: Activity; until: number } {
  const lead = (profile.wakeBeforeDriveMinutes ?? 0) * MINUTE_MS;
  if (lead === 0 || planned.activity.kind !== 'park' || planned.activity.hold !== null) return planned;
  if (plannedActivityAt(profile, anchor, planned.until).activity.kind !== 'drive') return planned;
  if (t < planned.until - lead) return { activity: planned.activity, until: planned.until - lead };
  return { activity: { kind: 'park', hold: 'owner' }, until: planned.until };
}

function plannedActivityAt(profile: DriveProfile, anchor: number, t: number): { activity: Activity; until: number } {
  const period = profile.periodMinutes * MINUTE_MS;
  const offset = (((t - anchor) % period) + period) % period;
  const periodStart = t - offset;
  const sorted = [...profile.segments].sort((a, b) => a.startMinute - b.startMinute);
  for (const s of sorted) {
    const start = periodStart + s.startMinute * MINUTE_MS;
    const end = start + s.minutes * MINUTE_MS;
    if (t < start) return { activity: PARKED, until: start };
    if (t < end) return { activity: activityOf(s), until: end };
  }
  const first = sorted[0];
  return { activity: PARKED, until: periodStart + period + (first ? first.startMinute * MINUTE_MS : 0) };
}

function activityOf(s: Segment): Activity {
  switch (s.activity) {
    case 'drive':
      return { kind: 'drive', speedMph: s.speedMph };
    case 'charge':
      return { kind: 'charge', ratedKw: (s.percentPerHour / 100) * PACK_KWH, dc: s.percentPerHour >= DC_PERCENT_PER_HOUR };
    case 'supercharge':
      return { kind: 'charge', ratedKw: s.peakKw, dc: true };
    case 'sentry':
    case 'climate':
      return { kind: 'park', hold: s.activity };
  }
}

const INSTALL_AT_MS = 26 * 60 * MINUTE_MS; // 02:00 UTC the night after the day the update was offered
const INSTALL_MS = 30 * MINUTE_MS;

/** How many updates have been offered by `t`, one every `softwareUpdateEveryDays` after `since` (the car's start). */
export function updatesOffered(profile: DriveProfile, since: number, t: number): number {
  const every = profile.softwareUpdateEveryDays;
  if (every === undefined || t < since) return 0;
  return Math.floor((t - since) / (every * DAY_MS));
}

/** How many updates have finished installing by `t`. */
export function updatesInstalled(profile: DriveProfile, since: number, t: number): number {
  const offered = updatesOffered(profile, since, t);
  return offered > 0 && installWindow(profile, since, offered).to > t ? offered - 1 : offered;
}

function installWindow(profile: DriveProfile, since: number, update: number): { from: number; to: number } {
  const offeredAt = since + update * profile.softwareUpdateEveryDays! * DAY_MS;
  const from = offeredAt - (offeredAt % DAY_MS) + INSTALL_AT_MS;
  return { from, to: from + INSTALL_MS };
}

/** The install window of the latest update offered by `t`, while it has not ended. */
function installWindowAround(profile: DriveProfile, since: number, t: number): { from: number; to: number } | null {
  const offered = updatesOffered(profile, since, t);
  if (offered === 0) return null;
  const window = installWindow(profile, since, offered);
  return t < window.to ? window : null;
}

/** The software as it stands at `t`: updates installed, and whether one is waiting or installing. */
export function softwareAt(
  profile: DriveProfile,
  since: number,
  t: number,
  activity: Activity,
): { installed: number; pending: 'available' | 'installing' | null } {
  const offered = updatesOffered(profile, since, t);
  if (offered === 0) return { installed: 0, pending: null };
  if (activity.kind === 'park' && activity.hold === 'update') return { installed: offered - 1, pending: 'installing' };
  const window = installWindowAround(profile, since, t);
  return window !== null ? { installed: offered - 1, pending: 'available' } : { installed: offered, pending: null };
}
