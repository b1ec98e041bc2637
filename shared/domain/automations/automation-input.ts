import * as z from 'zod';
import { lazily } from '../lazily';
import { commandSchema, isCommandName } from '../commands/catalogue';
import { isVin } from '../vehicle';
import type { Automation, AutomationSchedule } from './automation';
import { CronSyntaxError, instantOf, isCalendarDate, isTimeZone, parseCron, whyNeverRuns } from './cron-schedule';

/** An automation the owner described cannot be kept; `field` names what to fix. */
export class AutomationInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'AutomationInputError';
  }
}

/** Both automation schemas, built on first use. */
const automationSchemas = lazily(() => {
  const condition = z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('plugged_in') }),
    z.strictObject({ kind: z.literal('battery_below'), percent: z.number().min(1).max(100) }),
    z.strictObject({ kind: z.literal('battery_above'), percent: z.number().min(0).max(99) }),
    z.strictObject({
      kind: z.literal('parked_near'),
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      radiusM: z.number().min(10).max(50_000),
    }),
  ]);
  const schedule = z.union([
    z.strictObject({ cron: z.string().min(9).max(100), timeZone: z.string().min(1).max(64) }),
    z.strictObject({ at: z.string().max(16), timeZone: z.string().min(1).max(64) }),
  ]);
  const fields = {
    name: z.string().trim().min(1).max(64),
    command: z.string().max(64),
    body: z.record(z.string(), z.unknown()),
    schedule,
    enabled: z.boolean(),
    conditions: z.array(condition).max(5),
  };
  return {
    input: z.strictObject({
      ...fields,
      name: fields.name.optional(),
      vin: z.string(),
      body: fields.body.default({}),
      enabled: fields.enabled.default(true),
      conditions: fields.conditions.default([]),
    }),
    patch: z.strictObject(fields).partial(),
  };
});

/** The JSON an owner sends to create an automation. */
export const automationInputSchema = (): ReturnType<typeof automationSchemas>['input'] => automationSchemas().input;
/** PATCH: any of the same fields but `vin`; what is left out stays as it was (no defaults here). */
export const automationPatchSchema = (): ReturnType<typeof automationSchemas>['patch'] => automationSchemas().patch;

export type AutomationInput = z.infer<ReturnType<typeof automationInputSchema>>;

/**
 * The automation the input describes, checked the way the command API checks a command (allow-list, body schema)
 * plus its schedule (a cron EventBridge Scheduler can run, a known IANA zone, a one-off time still ahead). Throws
 * AutomationInputError naming the field; nothing is scheduled for input that fails.
 */
export function buildAutomation(
  input: z.output<ReturnType<typeof automationInputSchema>>,
  context: { id: string; now: number; allowedCommands: ReadonlySet<string>; previous?: Automation; keepsPastOnce?: boolean },
): Automation {
  if (!isVin(input.vin)) throw new AutomationInputError('vin', 'must be 17 characters: digits and capital letters except I, O and Q');
  if (!isCommandName(input.command)) throw new AutomationInputError('command', `unknown command '${input.command.slice(0, 64)}'`);
  if (!context.allowedCommands.has(input.command)) throw new AutomationInputError('command', `'${input.command}' is not enabled for this deployment`);
  const body = commandSchema(input.command).safeParse(input.body);
  if (!body.success) {
    const issue = body.error.issues[0]!;
    throw new AutomationInputError(`body${issue.path.length ? `.${issue.path.join('.')}` : ''}`, issue.message);
  }
  return {
    id: context.id,
    name: input.name ?? `${input.command.replace(/_/g, ' ')}`,
    vin: input.vin,
    command: input.command,
    body: body.data,
    schedule: checkSchedule(input.schedule, context.now, context.keepsPastOnce === true && !input.enabled),
    enabled: input.enabled,
    conditions: input.conditions,
    createdAt: context.previous?.createdAt ?? context.now,
    updatedAt: context.now,
    lastRun: context.previous?.lastRun ?? null,
  };
}

/** `pastAllowed`: an existing, disabled one-off whose time has gone by (it can be renamed, not re-enabled). */
function checkSchedule(input: AutomationInput['schedule'], now: number, pastAllowed: boolean): AutomationSchedule {
  if (!isTimeZone(input.timeZone))
    throw new AutomationInputError('schedule.timeZone', `unknown IANA time zone '${input.timeZone.slice(0, 64)}' (e.g. Europe/Berlin)`);
  if ('cron' in input) {
    try {
      const cron = parseCron(input.cron);
      const never = whyNeverRuns(cron);
      if (never) throw new AutomationInputError('schedule.cron', never);
      return { kind: 'cron', cron: cron.text, timeZone: input.timeZone };
    } catch (error) {
      if (error instanceof CronSyntaxError) throw new AutomationInputError('schedule.cron', error.message);
      throw error;
    }
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(input.at))
    throw new AutomationInputError('schedule.at', 'must be a local date-time YYYY-MM-DDTHH:mm (in schedule.timeZone)');
  const [year, month, day, hour, minute] = input.at.split(/[-T:]/).map(Number) as [number, number, number, number, number];
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59)
    throw new AutomationInputError('schedule.at', `${input.at} is not a date and time on the calendar`);
  const at = instantOf(input.at, input.timeZone);
  if (at === null) throw new AutomationInputError('schedule.at', `${input.at} does not exist in ${input.timeZone} (a clock change skips it)`);
  if (at <= now && !pastAllowed) throw new AutomationInputError('schedule.at', `${input.at} in ${input.timeZone} is in the past`);
  return { kind: 'once', at: input.at, timeZone: input.timeZone };
}
