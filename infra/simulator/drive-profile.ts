import { z } from 'zod';
import { MINUTE_MS } from '../../shared/domain/clock';

/**
 * How a simulated car spends its time, repeated every `periodMinutes` from `anchor`. Minutes not covered by a
 * segment are spent parked. JSON format (also what `--profile FILE` loads):
 *
 *   { "periodMinutes": 1440,
 *     "segments": [ { "startMinute": 480, "minutes": 35, "activity": "drive", "speedMph": 32 },
 *                   { "startMinute": 1200, "minutes": 180, "activity": "charge", "percentPerHour": 15 } ] }
 */
export const driveProfileSchema = z
  .strictObject({
    name: z.string().optional(),
    // Up to two months: a month parked at an airport is a profile too.
    periodMinutes: z.int().min(10).max(62 * 24 * 60),
    segments: z.array(
      z.discriminatedUnion('activity', [
        z.strictObject({ activity: z.literal('drive'), startMinute: z.int().min(0), minutes: z.int().min(1), speedMph: z.number().positive().max(150) }),
        z.strictObject({ activity: z.literal('charge'), startMinute: z.int().min(0), minutes: z.int().min(1), percentPerHour: z.number().positive().max(400) }),
      ]),
    ),
  })
  .superRefine((p, ctx) => {
    const sorted = [...p.segments].sort((a, b) => a.startMinute - b.startMinute);
    sorted.forEach((s, i) => {
      if (s.startMinute + s.minutes > p.periodMinutes) ctx.addIssue({ code: 'custom', message: `segment at minute ${s.startMinute} runs past the period` });
      const next = sorted[i + 1];
      if (next && s.startMinute + s.minutes > next.startMinute) ctx.addIssue({ code: 'custom', message: `segments at minutes ${s.startMinute} and ${next.startMinute} overlap` });
    });
  });

export type DriveProfile = z.infer<typeof driveProfileSchema>;
export type Segment = DriveProfile['segments'][number];

export type Activity = { kind: 'park' } | { kind: 'drive'; speedMph: number } | { kind: 'charge'; percentPerHour: number };

/** The default local demo: an hour-long loop that starts with a drive, so the odometer rises within a minute. */
export const DEMO_PROFILE: DriveProfile = {
  name: 'demo-hourly',
  periodMinutes: 60,
  segments: [
    { activity: 'drive', startMinute: 0, minutes: 12, speedMph: 30 },
    { activity: 'charge', startMinute: 40, minutes: 15, percentPerHour: 30 },
  ],
};

/** A commuter's day in UTC: two commutes, an errand in the evening, charging overnight. */
export const COMMUTER_PROFILE: DriveProfile = {
  name: 'commuter-daily',
  periodMinutes: 1440,
  segments: [
    { activity: 'drive', startMinute: 7 * 60 + 40, minutes: 35, speedMph: 32 },
    { activity: 'drive', startMinute: 17 * 60 + 15, minutes: 40, speedMph: 28 },
    { activity: 'drive', startMinute: 19 * 60, minutes: 15, speedMph: 24 },
    { activity: 'charge', startMinute: 22 * 60, minutes: 150, percentPerHour: 12 },
  ],
};

/** Where in the profile time `t` falls: the activity and when that activity ends (ms). */
export function activityAt(profile: DriveProfile, anchor: number, t: number): { activity: Activity; until: number } {
  const period = profile.periodMinutes * MINUTE_MS;
  const offset = (((t - anchor) % period) + period) % period;
  const periodStart = t - offset;
  const sorted = [...profile.segments].sort((a, b) => a.startMinute - b.startMinute);
  for (const s of sorted) {
    const start = periodStart + s.startMinute * MINUTE_MS;
    const end = start + s.minutes * MINUTE_MS;
    if (t < start) return { activity: { kind: 'park' }, until: start };
    if (t < end) {
      return {
        activity: s.activity === 'drive' ? { kind: 'drive', speedMph: s.speedMph } : { kind: 'charge', percentPerHour: s.percentPerHour },
        until: end,
      };
    }
  }
  const first = sorted[0];
  return { activity: { kind: 'park' }, until: periodStart + period + (first ? first.startMinute * MINUTE_MS : 0) };
}
