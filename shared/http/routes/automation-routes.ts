import { AutomationInputError, automationInputSchema, automationPatchSchema, buildAutomation } from '../../domain/automations/automation-input';
import type { Automation } from '../../domain/automations/automation';
import { instantOf, nextRun, parseCron } from '../../domain/automations/cron-schedule';
import { ApiError, badRequest, notFound } from '../api-error';
import type { ApiDeps } from '../api-deps';
import { jsonObjectBody, validate } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';
import { sortableId } from '../../domain/sortable-id';

const AUTOMATION_ID = /^[0-9a-z-]{1,40}$/;
const MAX_AUTOMATIONS = 50;

/**
 * `/automations`: scheduled commands. Every automation is checked as a command would be (allow-list, body schema)
 * and its schedule as EventBridge Scheduler needs it, before anything is stored or scheduled; deleting one deletes
 * its schedule.
 */
export function automationRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/automations',
      handle: async () => json(200, { automations: (await automationsOf(deps).store.listAutomations()).map((a) => automationView(deps, a)) }),
    },
    postRoute(deps),
    {
      method: 'GET',
      path: '/automations/{id}',
      handle: async ({ params }) => json(200, automationView(deps, await findAutomation(deps, params.id))),
    },
    patchOneRoute(deps),
    deleteOneRoute(deps),
  ];
}

/** POST /automations */
function postRoute(deps: ApiDeps): Route {
  return {
    method: 'POST',
    path: '/automations',
    handle: async ({ event }) => {
      const input = validate(automationInputSchema(), jsonObjectBody(event), 'invalid_automation');
      const automation = buildFor(deps, input, sortableId());
      return json(201, automationView(deps, await saveAutomation(deps, automation, null)));
    },
  };
}

/** PATCH /automations/{id} */
function patchOneRoute(deps: ApiDeps): Route {
  return {
    method: 'PATCH',
    path: '/automations/{id}',
    handle: async ({ params, event }) => {
      const patch = validate(automationPatchSchema(), jsonObjectBody(event), 'invalid_automation');
      const previous = await findAutomation(deps, params.id);
      const schedule =
        previous.schedule.kind === 'cron'
          ? { cron: previous.schedule.cron, timeZone: previous.schedule.timeZone }
          : { at: previous.schedule.at, timeZone: previous.schedule.timeZone };
      const merged = {
        name: previous.name,
        vin: previous.vin,
        command: previous.command,
        body: previous.body,
        schedule,
        enabled: previous.enabled,
        conditions: previous.conditions,
        ...patch,
      };
      // A one-off whose time has passed keeps it while disabled (it can be renamed); enabling it needs a new time.
      const automation = buildFor(deps, merged, previous.id, previous, previous.schedule.kind === 'once' && patch.schedule === undefined);
      return json(200, automationView(deps, await saveAutomation(deps, automation, previous)));
    },
  };
}

/** DELETE /automations/{id} */
function deleteOneRoute(deps: ApiDeps): Route {
  return {
    method: 'DELETE',
    path: '/automations/{id}',
    handle: async ({ params }) => {
      const automation = await findAutomation(deps, params.id);
      await automationsOf(deps).trigger.remove(automation.id);
      await automationsOf(deps).store.deleteAutomation(automation.id);
      return json(200, { id: automation.id, deleted: true });
    },
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function nextRunOf(a: Automation, now: number): string | null {
  if (!a.enabled) return null;
  if (a.schedule.kind === 'once') {
    const at = instantOf(a.schedule.at, a.schedule.timeZone);
    return at !== null && at > now ? iso(at) : null;
  }
  const next = nextRun(parseCron(a.schedule.cron), a.schedule.timeZone, now);
  return next === null ? null : iso(next);
}

function automationsOf(deps: ApiDeps): NonNullable<ApiDeps['automations']> {
  if (!deps.automations) throw new ApiError(501, 'automations_unavailable', 'automations are not set up in this deployment');
  return deps.automations;
}

async function findAutomation(deps: ApiDeps, id: string | undefined): Promise<Automation> {
  if (id === undefined || !AUTOMATION_ID.test(id)) throw badRequest('invalid_automation_id', 'an automation id is the id the list gives');
  const found = await automationsOf(deps).store.getAutomation(id);
  if (!found) throw notFound(`no automation ${id}`);
  return found;
}

function buildFor(deps: ApiDeps, input: Parameters<typeof buildAutomation>[0], id: string, previous?: Automation, keepsPastOnce = false): Automation {
  try {
    return buildAutomation(input, { id, now: deps.clock.now(), allowedCommands: deps.allowedCommands, keepsPastOnce, ...(previous ? { previous } : {}) });
  } catch (error) {
    if (error instanceof AutomationInputError) throw badRequest('invalid_automation', error.message);
    throw error;
  }
}

/** Stored first, then scheduled; if scheduling fails the change is undone, so the two never disagree for long. */
async function saveAutomation(deps: ApiDeps, automation: Automation, previous: Automation | null): Promise<Automation> {
  const { store, trigger } = automationsOf(deps);
  if (previous) await store.putAutomation(automation);
  else if (!(await store.addAutomation(automation, MAX_AUTOMATIONS)))
    throw new ApiError(409, 'too_many_automations', `at most ${MAX_AUTOMATIONS} automations: delete one first`);
  try {
    await trigger.apply(automation);
  } catch (error) {
    await (previous ? store.putAutomation(previous) : store.deleteAutomation(automation.id)).catch(() => undefined);
    throw error;
  }
  return automation;
}

function automationView(deps: ApiDeps, a: Automation) {
  return {
    ...a,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
    lastRun: a.lastRun && { ...a.lastRun, at: iso(a.lastRun.at) },
    nextRunAt: nextRunOf(a, deps.clock.now()),
  };
}
