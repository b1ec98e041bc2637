import { $ } from './dom';
import { api, selectCar, StaleAnswerError, tokenStore, UnauthorizedError } from './api-client';
import { pendingFor } from './pending-values';
import { renderBattery } from './battery-chart';
import { renderTyres } from './tyre-chart';
import { renderEfficiency, renderHealth } from './health-panel';
import { chargingWords, distance, renderGlance, unitStore, type Unit } from './glance';
import { renderAutomations, wireAutomationForm } from './automation-panel';
import { renderPlaces, wirePlaceForm } from './places-panel';
import { label, prefillCommands, renderCommands } from './command-panel';
import { forgetCar, renderCharging, renderDrives } from './history-panel';
import { wireLogbook } from './logbook-panel';
import { renderOdometer, type Range } from './odometer-chart';

interface Vehicle {
  vin: string;
  displayName: string | null;
  state: string;
  lastSeenAt: string | null;
}
interface Detail {
  chargeLimitSoc: number | null;
  chargeAmpsSetting: number | null;
  chargerPowerKw: number | null;
  timeToFullChargeH: number | null;
  insideTempC: number | null;
  outsideTempC: number | null;
  driverTempSettingC: number | null;
  passengerTempSettingC: number | null;
  softwareUpdateStatus: string | null;
  softwareUpdateVersion: string | null;
}
interface State {
  state: string;
  lastSeenAt: string | null;
  problem: { code: string; message: string; since: string } | null;
  commandSigning: 'required' | 'not_required' | 'unknown';
  snapshot: {
    takenAt: string;
    batteryLevel: number | null;
    rangeMi: number | null;
    locked: boolean | null;
    chargingState: string | null;
    odometerMi: number | null;
    sentryMode: boolean | null;
    climateOn: boolean | null;
    softwareVersion: string | null;
    detail?: Detail;
    /** 'stream' when the car streamed it (Fleet Telemetry); absent when it was read. */
    source?: 'stream';
  } | null;
}
interface Usage {
  requests: Record<'data' | 'command' | 'wake' | 'free' | 'history', number>;
  costByCategoryUsd: Record<'data' | 'command' | 'wake' | 'free' | 'history', number>;
  estimatedCostUsd: number;
  budgetUsd: number;
}
interface Audit {
  commands: Array<{ at: string; command: string; outcome: string; reason: string; latencyMs: number; transport: string | null }>;
}

let range: Range = 'month';
let automationFormWired = false;
const vin = (): string => $<HTMLSelectElement>('vehicle').value;

function ago(iso: string | null): string {
  if (!iso) return 'never';
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60_000);
  return minutes < 1 ? 'just now' : minutes < 90 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
}

function tile(value: string, caption: string): string {
  const div = document.createElement('div');
  div.innerHTML = '<b></b><span></span>';
  div.querySelector('b')!.textContent = value;
  div.querySelector('span')!.textContent = caption;
  return div.outerHTML;
}

const PENDING = ' (sent)';

/** What the car is doing about charging: a command just sent, the power and time to full, or its state in words. */
function chargingText(chargeSent: { value: unknown } | undefined, snap: State['snapshot']): string {
  if (chargeSent) return `${chargeSent.value ? 'starting' : 'stopping'}${PENDING}`;
  const d = snap?.detail;
  if (snap?.chargingState === 'Charging' && d?.chargerPowerKw != null)
    return `Charging ${d.chargerPowerKw} kW${d.timeToFullChargeH ? `, full in ${Math.round(d.timeToFullChargeH * 60)} min` : ''}`;
  return chargingWords(snap?.chargingState ?? null) ?? '–';
}

/** Something that needs the owner (a missing scope, no fresh reading), said plainly above the tiles. */
function showProblem(problem: State['problem']): void {
  const banner = $('problem');
  banner.hidden = problem === null;
  banner.textContent = problem ? `Needs you: ${problem.message} (since ${new Date(problem.since).toLocaleString()})` : '';
}

async function renderState(): Promise<void> {
  const car = vin();
  const s = await api<State>(`/vehicles/${car}/state`);
  const snap = s.snapshot;
  const d = snap?.detail;
  // What a command set since the newest reading, shown as sent until a reading confirms it or says otherwise.
  const sent = pendingFor(car, snap ? Date.parse(snap.takenAt) : null);
  const limit = (sent.get('chargeLimitSoc')?.value as number | undefined) ?? d?.chargeLimitSoc;
  const limitText = limit != null ? ` of ${limit} %${sent.has('chargeLimitSoc') ? PENDING : ''}` : '';
  const onOff = (field: 'sentryMode' | 'climateOn', known: boolean | null | undefined, on = 'on', off = 'off'): string => {
    const p = sent.get(field);
    if (p) return `${p.value ? on : off}${PENDING}`;
    return known == null ? '–' : known ? on : off;
  };
  const lockSent = sent.get('locked');
  const doors = lockSent ? `${lockSent.value ? 'locked' : 'unlocked'}${PENDING}` : snap?.locked == null ? '–' : snap.locked ? 'locked' : 'unlocked';
  const charging = chargingText(sent.get('charging'), snap);
  const temp = (c: number | null | undefined): string => (c == null ? '–' : `${c.toFixed(1)} °C`);
  showProblem(s.problem);
  $('state').innerHTML = [
    `<div><b><span class="badge ${s.state}">${s.state === 'online' ? 'online' : s.state}</span></b><span>last seen ${ago(s.lastSeenAt)}</span></div>`,
    tile(snap?.batteryLevel != null ? `${snap.batteryLevel} %${limitText}` : '–', 'battery (charge limit)'),
    tile(snap?.rangeMi != null ? distance(snap.rangeMi, unitStore.get()) : '–', 'range'),
    tile(charging, 'charging'),
    tile(
      sent.has('climateOn') || snap?.climateOn != null ? `${onOff('climateOn', snap?.climateOn)} · ${temp(d?.insideTempC)} in` : '–',
      `climate · ${temp(d?.outsideTempC)} outside`,
    ),
    tile(doors, 'doors'),
    tile(onOff('sentryMode', snap?.sentryMode), 'sentry'),
    tile(snap?.odometerMi != null ? distance(snap.odometerMi, unitStore.get(), 1) : '–', 'odometer'),
    tile(snap?.softwareVersion ?? '–', d?.softwareUpdateStatus ? `software · update ${d.softwareUpdateVersion ?? ''} ${d.softwareUpdateStatus}` : 'software'),
    tile(snap ? ago(snap.takenAt) : 'never', snap?.source === 'stream' ? 'last reading · streamed' : 'last reading'),
    tile(s.commandSigning === 'required' ? 'signed' : s.commandSigning === 'not_required' ? 'unsigned (REST)' : 'not known yet', 'how commands are sent'),
  ].join('');
  // The inputs keep what was just sent rather than snapping back to the last reading's value. Set with the tiles,
  // before anything is awaited, so a tile and its input never disagree.
  prefillCommands({
    'set_charge_limit-percent': limit,
    'set_temps-driver_temp': (sent.get('driverTempSettingC')?.value as number | undefined) ?? d?.driverTempSettingC,
    'set_temps-passenger_temp': d?.passengerTempSettingC,
    'set_charging_amps-charging_amps': (sent.get('chargeAmpsSetting')?.value as number | undefined) ?? d?.chargeAmpsSetting,
  });
  await renderGlance(car, s);
}

async function renderUsage(): Promise<void> {
  const u = await api<Usage>(`/vehicles/${vin()}/usage`);
  const share = u.budgetUsd > 0 ? Math.min(100, (u.estimatedCostUsd / u.budgetUsd) * 100) : 100;
  // A straight line from the month so far to its end: what the month will cost at this pace.
  const now = new Date();
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const elapsed = Math.max((now.getTime() - start) / (end - start), 1 / 30);
  const projected = u.estimatedCostUsd / elapsed;
  $('usage').innerHTML = `<p>$${u.estimatedCostUsd.toFixed(2)} of $${u.budgetUsd.toFixed(2)} budget</p>
    <div class="meter${share >= 80 ? ' high' : ''}"><div></div></div>
    <p id="usage-projection">At this pace, about $${projected.toFixed(2)} by the end of the month${projected > u.budgetUsd ? ': over the budget, so polling slows down' : ''}.</p>
    <table><tbody>
      <tr><td>Vehicle data</td><td>${u.requests.data}</td><td>$${u.costByCategoryUsd.data.toFixed(2)}</td></tr>
      <tr><td>Commands</td><td>${u.requests.command}</td><td>$${u.costByCategoryUsd.command.toFixed(2)}</td></tr>
      <tr><td>Wakes</td><td>${u.requests.wake}</td><td>$${u.costByCategoryUsd.wake.toFixed(2)}</td></tr>
      ${u.requests.history > 0 ? `<tr><td>Charging history</td><td>${u.requests.history}</td><td>$${u.costByCategoryUsd.history.toFixed(2)}</td></tr>` : ''}
    </tbody></table>`;
  // Set through the DOM: the page's CSP forbids inline style attributes.
  $('usage').querySelector<HTMLElement>('.meter > div')!.style.width = `${share.toFixed(0)}%`;
}

async function renderAudit(): Promise<void> {
  const a = await api<Audit>(`/vehicles/${vin()}/commands?limit=10`);
  const body = $<HTMLTableElement>('audit').tBodies[0]!;
  body.replaceChildren();
  $('audit-empty').hidden = a.commands.length > 0;
  const at = (iso: string): string => new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  for (const c of a.commands) {
    const row = body.insertRow();
    for (const text of [
      at(c.at),
      label(c.command),
      c.reason ? `${c.outcome} (${c.reason.replace(/_/g, ' ')})` : c.outcome,
      c.transport ?? '–',
      String(c.latencyMs),
    ])
      row.insertCell().textContent = text;
  }
}

const RANGE_DAYS: Record<Range, number> = { day: 1, week: 7, month: 30, year: 365, all: 3650 };

/** The odometer and the battery over the chosen period, in the owner's unit. */
async function renderCharts(): Promise<void> {
  await Promise.all([
    renderOdometer(vin(), range, unitStore.get()),
    renderBattery(vin(), RANGE_DAYS[range], unitStore.get()),
    renderTyres(vin(), RANGE_DAYS[range]),
  ]);
}

async function refresh(): Promise<void> {
  await Promise.all([
    renderState(),
    renderCharts(),
    renderDrives(vin()),
    renderCharging(vin()),
    renderHealth(vin()),
    renderEfficiency(vin()),
    renderUsage(),
    renderAudit(),
    renderAutomations(vin),
    renderPlaces(),
  ]);
}

async function start(): Promise<void> {
  const { vehicles } = await api<{ vehicles: Vehicle[] }>('/vehicles');
  $('login').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = false;
  const select = $<HTMLSelectElement>('vehicle');
  select.replaceChildren(...vehicles.map((v) => new Option(`${v.displayName ?? 'Car'} (${v.vin})`, v.vin)));
  if (vehicles.length === 0) {
    $('state').textContent = 'No car seen yet: the collector lists them on its next run.';
    return;
  }
  // A read-only token sees no control it may not use: commands, automations and logbook edits are the owner's.
  const me = await api<{ role: 'owner' | 'read' }>('/me').catch(() => ({ role: 'owner' as const }));
  const owner = me.role === 'owner';
  for (const id of ['commands-card', 'automation-form', 'drive-form', 'place-form']) $(id).hidden = !owner;
  document.body.classList.toggle('read-only', !owner);
  if (owner) await renderCommands(vin, () => guard(async () => void (await Promise.all([renderState(), renderAudit(), renderUsage()]))));
  if (!automationFormWired) {
    automationFormWired = true;
    await wireAutomationForm(vin);
    wirePlaceForm();
  }
  await refresh();
}

function showLogin(message = ''): void {
  $('app').hidden = true;
  $('sign-out').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
}

function guard(run: () => Promise<void>): void {
  run().catch((error: unknown) => {
    // An answer about the car left behind: the new car's own answers are on their way.
    if (error instanceof StaleAnswerError) return;
    if (error instanceof UnauthorizedError) {
      tokenStore.clear();
      showLogin('That token was not accepted.');
    } else {
      $('command-result').textContent = `Could not load: ${error instanceof Error ? error.message : 'error'}`;
    }
  });
}

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  tokenStore.set($<HTMLInputElement>('token').value.trim());
  guard(start);
});
$('sign-out').addEventListener('click', () => {
  tokenStore.clear();
  showLogin();
});
$('vehicle').addEventListener('change', () => {
  selectCar();
  forgetCar();
  guard(refresh);
});

/**
 * The page stays current without asking Tesla anything: the stored state (and its "ago" times) is read again every
 * minute, and as soon as the page is looked at again.
 */
const FRESH_MS = 60_000;
const stayFresh = (): void => {
  if (!$('app').hidden && vin()) guard(renderState);
};
setInterval(stayFresh, FRESH_MS);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') stayFresh();
});
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-range]')) {
  button.addEventListener('click', () => {
    range = button.dataset.range as Range;
    for (const b of document.querySelectorAll('[data-range]')) {
      b.classList.toggle('active', b === button);
      b.setAttribute('aria-pressed', String(b === button));
    }
    guard(renderCharts);
  });
}

wireLogbook(vin, () => guard(() => renderDrives(vin())));

/** km or mi, as the owner chooses (kept in this browser). */
function showUnit(unit: Unit): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-unit]')) b.setAttribute('aria-pressed', String(b.dataset.unit === unit));
}
showUnit(unitStore.get());
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-unit]')) {
  button.addEventListener('click', () => {
    unitStore.set(button.dataset.unit === 'km' ? 'km' : 'mi');
    showUnit(unitStore.get());
    if (!$('app').hidden && vin()) guard(async () => void (await Promise.all([renderState(), renderCharts()])));
  });
}

if (tokenStore.get()) guard(start);
else showLogin();
