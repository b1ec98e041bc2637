import { $ } from './dom';
import { deleteButton } from './delete-button';
import { api, ApiClientError } from './api-client';
import { allowedCommands, label, parameterInputs, type JsonSchema } from './command-panel';

interface Automation {
  id: string;
  name: string;
  vin: string;
  command: string;
  schedule: { kind: 'cron'; cron: string; timeZone: string } | { kind: 'once'; at: string; timeZone: string };
  enabled: boolean;
  conditions: Array<{ kind: string }>;
  nextRunAt: string | null;
  lastRun: { at: string; outcome: string; reason: string } | null;
}

const zone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** When it runs, in its own time zone (named when it is not this browser's). */
function when(a: Automation): string {
  const own = a.schedule.timeZone === zone() ? '' : ` (${a.schedule.timeZone})`;
  if (a.schedule.kind === 'once') return `once, ${a.schedule.at.replace('T', ' ')}${own}`;
  const [minute, hour, , , dow] = a.schedule.cron.split(' ');
  const time = /^\d+$/.test(minute!) && /^\d+$/.test(hour!) ? `${hour!.padStart(2, '0')}:${minute!.padStart(2, '0')}` : a.schedule.cron;
  return `${dow === '*' ? `daily ${time}` : dow === '1-5' ? `weekdays ${time}` : a.schedule.cron}${own}`;
}

/** The form's fields as the owner sees them, for the API's messages that name a field by its path. */
const FIELD_WORDS: Array<[RegExp, string]> = [
  [/^schedule\.at: /, 'Date and time: '],
  [/^schedule\.cron: /, 'Cron: '],
  [/^schedule\.timeZone: /, 'Time zone: '],
  [/^body\.(\w+): /, 'Setting "$1": '],
  [/^name: /, 'Name: '],
  [/^command: /, 'Command: '],
];
const inWords = (message: string): string => FIELD_WORDS.reduce((text, [path, words]) => text.replace(path, words), message);

/** The list, with a switch and a delete (tap twice) per automation, and each one's next run and last outcome. */
export async function renderAutomations(getVin: () => string): Promise<void> {
  const { automations } = await api<{ automations: Automation[] }>('/automations');
  const mine = automations.filter((a) => a.vin === getVin());
  $('automations-empty').hidden = mine.length > 0;
  $('automations-list').hidden = mine.length === 0;
  const body = $<HTMLTableElement>('automations-table').tBodies[0]!;
  body.replaceChildren();
  for (const a of mine) {
    const row = body.insertRow();
    for (const text of [
      a.name,
      label(a.command),
      when(a),
      a.nextRunAt ? new Date(a.nextRunAt).toLocaleString() : '–',
      a.lastRun ? `${a.lastRun.outcome}${a.lastRun.reason ? ` (${a.lastRun.reason})` : ''}` : '–',
    ])
      row.insertCell().textContent = text;
    const actions = row.insertCell();
    const toggle = document.createElement('button');
    toggle.type = 'button';
    toggle.textContent = a.enabled ? 'Turn off' : 'Turn on';
    toggle.setAttribute('aria-label', `${a.enabled ? 'Turn off' : 'Turn on'} ${a.name}`);
    toggle.addEventListener('click', () => void change(`/automations/${a.id}`, 'PATCH', { enabled: !a.enabled }, getVin));
    const remove = deleteButton(a.name, () => void change(`/automations/${a.id}`, 'DELETE', undefined, getVin));
    actions.append(toggle, remove);
  }
}

async function change(path: string, method: string, body: unknown, getVin: () => string): Promise<boolean> {
  const status = $('automation-status');
  let saved = false;
  try {
    await api(path, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    status.textContent = method === 'DELETE' ? 'Deleted, with its schedule.' : 'Saved.';
    saved = true;
  } catch (error) {
    status.textContent = `Not saved: ${error instanceof ApiClientError ? inWords(error.message) : 'network error'}`;
  }
  await renderAutomations(getVin);
  return saved;
}

/** The schedule the form describes: once at a date and time, daily or on weekdays at a time, or a cron expression. */
function scheduleOf(kind: string): { at: string; timeZone: string } | { cron: string; timeZone: string } {
  const time = $<HTMLInputElement>('automation-time').value;
  if (kind === 'once') return { at: `${$<HTMLInputElement>('automation-date').value}T${time}`, timeZone: zone() };
  const [hour, minute] = time.split(':').map(Number);
  const cron = kind === 'cron' ? $<HTMLInputElement>('automation-cron').value.trim() : `${minute ?? 0} ${hour ?? 0} * * ${kind === 'weekdays' ? '1-5' : '*'}`;
  return { cron, timeZone: zone() };
}

/** The form: a command (with its parameters), when (daily, weekdays, once, or a cron) in this browser's zone, and a condition. */
export async function wireAutomationForm(getVin: () => string): Promise<void> {
  const commands = await allowedCommands();
  const select = $<HTMLSelectElement>('automation-command');
  select.replaceChildren(...commands.map((c) => new Option(label(c.name), c.name)));
  select.value = commands.some((c) => c.name === 'auto_conditioning_start') ? 'auto_conditioning_start' : (commands[0]?.name ?? '');
  let params = { elements: [] as HTMLElement[], values: (): Record<string, unknown> => ({}) };
  const showParams = (): void => {
    const schema: JsonSchema = commands.find((c) => c.name === select.value)?.schema ?? {};
    params = parameterInputs(select.value, schema, 'automation-');
    $('automation-params').replaceChildren(...params.elements);
  };
  select.addEventListener('change', showParams);
  showParams();
  const whenSelect = $<HTMLSelectElement>('automation-when');
  const showWhen = (): void => {
    $('automation-date-field').hidden = whenSelect.value !== 'once';
    $('automation-cron-field').hidden = whenSelect.value !== 'cron';
    $('automation-time-field').hidden = whenSelect.value === 'cron';
  };
  whenSelect.addEventListener('change', showWhen);
  showWhen();
  $('automation-zone').textContent = `Times are in ${zone()}.`;

  $('automation-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const schedule = scheduleOf(whenSelect.value);
    const name = $<HTMLInputElement>('automation-name').value.trim();
    const input = {
      vin: getVin(),
      command: select.value,
      body: params.values(),
      schedule,
      ...(name ? { name } : {}),
      conditions: $<HTMLInputElement>('automation-plugged').checked ? [{ kind: 'plugged_in' }] : [],
    };
    void change('/automations', 'POST', input, getVin).then((saved) => {
      // Saved: the form is ready for the next one.
      if (!saved) return;
      $<HTMLInputElement>('automation-name').value = '';
      $<HTMLInputElement>('automation-cron').value = '';
      $<HTMLInputElement>('automation-plugged').checked = false;
    });
  });
}
