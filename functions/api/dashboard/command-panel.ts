import { api, ApiClientError } from './api-client';
import { effectOf, rememberCommand } from './pending-values';

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: string[];
  minimum?: number;
  maximum?: number;
}
interface OpenApi {
  paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: JsonSchema }> } } }>;
}
interface CommandAnswer {
  outcome: 'done' | 'already_done';
  reason: string;
  woke: boolean;
}

const PREFIX = '/vehicles/{vin}/commands/';
/** Commands that act on the world around the car, or open it: the button asks for a second tap. */
const DISRUPTIVE = new Set([
  'honk_horn',
  'flash_lights',
  'actuate_trunk',
  'charge_port_door_open',
  'charge_port_door_close',
  'door_unlock',
  'remote_start_drive',
  'window_control',
]);
const CONFIRM_MS = 5_000;
export const label = (name: string): string => name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/**
 * One button per command the deployment allows, read from the OpenAPI document; commands with parameters get inputs
 * built from their schemas (numbers with their ranges, booleans, choices).
 */
export async function renderCommands(getVin: () => string, onSent: () => void): Promise<void> {
  const container = document.getElementById('commands')!;
  const commands = await allowedCommands();
  // Grouped as an owner looks for them, each group under its heading; a command of none goes under "Other".
  const groups = COMMAND_GROUPS.map(([title, names]) => [title, commands.filter((c) => names.includes(c.name))] as const);
  const grouped = new Set(COMMAND_GROUPS.flatMap(([, names]) => names));
  const other = commands.filter((c) => !grouped.has(c.name));
  container.replaceChildren(
    ...[...groups, ['Other', other] as const]
      .filter(([, list]) => list.length > 0)
      .map(([title, list]) => {
        const group = document.createElement('section');
        group.className = 'command-group';
        const heading = document.createElement('h3');
        heading.textContent = title;
        const forms = document.createElement('div');
        forms.className = 'commands';
        forms.append(...list.map(({ name, schema }) => commandForm(name, schema, getVin, onSent)));
        group.append(heading, forms);
        return group;
      }),
  );
}

const COMMAND_GROUPS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['Climate', ['auto_conditioning_start', 'auto_conditioning_stop', 'set_temps', 'remote_seat_heater_request']],
  [
    'Charging',
    [
      'charge_start',
      'charge_stop',
      'set_charge_limit',
      'charge_standard',
      'charge_max_range',
      'set_charging_amps',
      'charge_port_door_open',
      'charge_port_door_close',
    ],
  ],
  ['Security', ['door_lock', 'door_unlock', 'set_sentry_mode', 'actuate_trunk', 'window_control', 'remote_start_drive']],
  ['Find the car', ['honk_horn', 'flash_lights', 'wake_up']],
];

/** Inputs for a command's parameters, from its schema; `values()` reads them as the command's body. */
export function parameterInputs(name: string, schema: JsonSchema, idPrefix = ''): { elements: HTMLElement[]; values: () => Record<string, unknown> } {
  const fields: Array<() => [string, unknown]> = [];
  const elements: HTMLElement[] = [];
  for (const [field, spec] of Object.entries(schema.properties ?? {})) {
    const id = `${idPrefix}${name}-${field}`;
    const wrap = document.createElement('div');
    wrap.innerHTML = `<label for="${id}">${label(field)}</label>`;
    let input: HTMLInputElement | HTMLSelectElement;
    if (spec.enum) {
      input = document.createElement('select');
      for (const option of spec.enum) input.append(new Option(option, option));
      fields.push(() => [field, input.value]);
    } else if (spec.type === 'boolean') {
      const box = document.createElement('input');
      box.type = 'checkbox';
      input = box;
      fields.push(() => [field, box.checked]);
    } else {
      const num = document.createElement('input');
      num.type = 'number';
      if (spec.minimum !== undefined && spec.minimum > -1e15) num.min = String(spec.minimum);
      if (spec.maximum !== undefined && spec.maximum < 1e15) num.max = String(spec.maximum);
      num.step = spec.type === 'integer' ? '1' : 'any';
      num.required = schema.required?.includes(field) ?? false;
      // Never the range's minimum (a tap would set a 50 % limit, 15 °C): the middle, until the car's value is known.
      const middle = num.min && num.max ? (Number(num.min) + Number(num.max)) / 2 : 0;
      num.value = String(spec.type === 'integer' ? Math.round(middle) : middle);
      input = num;
      fields.push(() => [field, Number(num.value)]);
    }
    input.id = id;
    wrap.append(input);
    elements.push(wrap);
  }
  return { elements, values: () => Object.fromEntries(fields.map((f) => f())) };
}

/** The commands the deployment allows, each with the schema of its body. */
export async function allowedCommands(): Promise<Array<{ name: string; schema: JsonSchema }>> {
  const doc = await api<OpenApi>('/openapi.json');
  return Object.entries(doc.paths)
    .filter(([path, item]) => path.startsWith(PREFIX) && item.post)
    .map(([path, item]) => ({ name: path.slice(PREFIX.length), schema: item.post!.requestBody?.content['application/json']?.schema ?? {} }));
}

function commandForm(name: string, schema: JsonSchema, getVin: () => string, onSent: () => void): HTMLFormElement {
  const form = document.createElement('form');
  form.className = 'command';
  form.dataset.command = name;
  const params = parameterInputs(name, schema);
  form.append(...params.elements);
  const button = document.createElement('button');
  button.type = 'submit';
  button.textContent = label(name);
  form.append(button);
  let confirmUntil = 0;
  form.addEventListener('invalid', () => clearResult(form), true);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (DISRUPTIVE.has(name) && Date.now() > confirmUntil) {
      confirmUntil = Date.now() + CONFIRM_MS;
      button.textContent = `Tap again to ${label(name).toLowerCase()}`;
      button.classList.add('confirming');
      setTimeout(() => {
        button.textContent = label(name);
        button.classList.remove('confirming');
      }, CONFIRM_MS);
      return;
    }
    confirmUntil = 0;
    button.textContent = label(name);
    button.classList.remove('confirming');
    void send(name, params.values(), getVin(), button, form).then(onSent);
  });
  return form;
}

/** Sets the inputs to the car's current values (charge limit, temperatures) where they are known. */
export function prefillCommands(values: Record<string, number | null | undefined>): void {
  for (const [id, value] of Object.entries(values)) {
    const input = document.getElementById(id) as HTMLInputElement | null;
    if (input && value != null && document.activeElement !== input) input.value = String(value);
  }
}

function clearResult(form: HTMLFormElement): void {
  const result = document.getElementById('command-result')!;
  form.after(result);
  result.textContent = '';
  result.className = 'result';
}

async function send(name: string, body: Record<string, unknown>, vin: string, button: HTMLButtonElement, form: HTMLFormElement): Promise<void> {
  const result = document.getElementById('command-result')!;
  // The answer appears next to the control that was tapped, in view, and is announced (role=status).
  form.after(result);
  result.scrollIntoView({ block: 'nearest' });
  const show = (text: string, kind: string): void => {
    result.textContent = text;
    result.className = `result ${kind}`;
  };
  button.disabled = true;
  show(`${label(name)}: sending…`, '');
  // A sleeping car is woken first, which takes a while: say so.
  const slow = setTimeout(() => show(`${label(name)}: waking the car…`, 'warn'), 1500);
  try {
    const answer = await api<CommandAnswer>(`/vehicles/${vin}/commands/${name}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: {},
    });
    const woke = answer.woke ? ' (woke the car)' : '';
    // The car took it; the tiles show the new value as pending until the car's next reading confirms it.
    rememberCommand(vin, name, body);
    const shows = effectOf(name, body).length > 0 ? '; the tile shows it as pending until the next reading' : '';
    if (answer.outcome === 'done') show(`${label(name)}: done${woke}${shows}`, 'ok');
    else show(`${label(name)}: already set (${answer.reason})${woke}`, 'ok');
  } catch (error) {
    const why = error instanceof ApiClientError ? `${error.message} [${error.code}]` : 'network error';
    show(`${label(name)}: failed: ${why}`, 'error');
  } finally {
    clearTimeout(slow);
    button.disabled = false;
  }
}
