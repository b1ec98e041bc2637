import { $ } from './dom';
import { renderDriveMap } from './drive-map';
import type { LatLon } from './map-view';
import { api, download, StaleAnswerError } from './api-client';
import { durationText, startText } from './drive-times';
import { renderChargeCurve } from './charge-curve';
import { drawBars } from './bar-chart';

interface Drive {
  id: string;
  start: { at: string; odometerMi: number };
  startedAfter: string;
  startedBy: string;
  endedAfter: string;
  end: { at: string };
  distanceMi: number;
  durationMinutes: number;
  durationBounds: { atLeastMinutes: number; atMostMinutes: number };
  estimatedEnergyKwh: number | null;
  whPerMi: number | null;
  mayHideStops: boolean;
  fromPlace: string | null;
  toPlace: string | null;
  /** The logger an imported drive came from. */
  imported: 'teslafi' | 'teslamate' | null;
}
interface Charge {
  id: string;
  start: { at: string; batteryLevel: number | null };
  end: { batteryLevel: number | null };
  energyAddedKwh: number | null;
  /** What the car drew from the charger (estimated), and the share lost. */
  energyUsedKwh: number | null;
  lossPercent: number | null;
  peakPowerKw: number | null;
  kind: string;
  durationMinutes: number;
  cost: number | null;
  costSource: 'set' | 'imported' | 'tesla' | 'tariff' | 'price' | null;
  /** The currency of a cost from Tesla's bill or a place's tariff. */
  currency: string | null;
  tesla: { site: string | null; idleFee: number; invoices: Array<{ id: string; path: string }> } | null;
  place: { name: string } | null;
  imported: { source: string; placeName: string | null } | null;
}
interface Month {
  month: string;
  distanceMi: number;
  drives: number;
  chargedKwh: number;
  whPerMi: number | null;
  costs: { costByCurrency: Record<string, number>; estimated: boolean; costPer100Mi: number | null; sessionsWithoutCost: number } | null;
}
interface Idle {
  startAt: string;
  hours: number;
  rangeLostMi: number | null;
  drainPercentPerDay: number | null;
  asleepShare: number | null;
  /** Its end was estimated from the first reading of the drive that ended it. */
  endedByWake: boolean;
}
interface LogRow {
  driveId: string;
  start: string;
  distanceMi: number;
  purpose: string | null;
  note: string | null;
}

const day = (iso: string): string => new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
const longDay = (iso: string): string => new Date(iso).toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
const time = (iso: string): string => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const num = (v: number | null, digits = 1, unit = ''): string => (v === null ? '–' : `${v.toFixed(digits)}${unit}`);
/** Rows shown per list; every drive is in the logbook download. */
const SHOWN = 12;
const timeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A drawing for the car left behind is simply not drawn; anything else is still an error. */
export function dropStale(error: unknown): void {
  if (!(error instanceof StaleAnswerError)) throw error;
}

/** Fills a table body with rows of text cells (never HTML: notes are the owner's free text). */
function fill(tbody: HTMLTableSectionElement, rows: string[][]): void {
  tbody.replaceChildren();
  for (const cells of rows) {
    const row = tbody.insertRow();
    for (const text of cells) row.insertCell().textContent = text;
  }
}

/** Both bounds of a time; the date too when they fall on different days. */
function between(from: string, to: string): string {
  const sameDay = longDay(from) === longDay(to);
  return sameDay ? `between ${time(from)} and ${time(to)}` : `between ${day(from)} ${time(from)} and ${day(to)} ${time(to)}`;
}

/** Drives to pick from for the logbook: the newest of the last 30 days. */
const PICKABLE = 200;

/** Empties what belongs to the car left behind, so nothing of it can be seen or edited while the new car loads. */
export function forgetCar(): void {
  for (const id of ['drives-table', 'charges-table', 'months-table', 'idles-table', 'health-table']) $<HTMLTableElement>(id).tBodies[0]!.replaceChildren();
  $('health-summary').textContent = '';
  const pick = $<HTMLSelectElement>('drive-pick');
  pick.replaceChildren();
  delete pick.dataset.vin;
  $('drive-detail').replaceChildren();
  $('logbook-status').textContent = '';
}

/** Drives of the last 30 days, newest first, grouped by day; a drive's purpose and note can be set below. */
export async function renderDrives(vin: string): Promise<void> {
  // Newest first from the API: the newest drives are what is shown, however many the month holds.
  const [{ drives: newest }, book] = await Promise.all([
    api<{ drives: Drive[] }>(`/vehicles/${vin}/drives?order=newest&limit=${PICKABLE}`),
    api<{ entries: LogRow[] }>(`/vehicles/${vin}/logbook?tz=${encodeURIComponent(timeZone())}`),
  ]);
  const purpose = new Map(book.entries.map((e) => [e.driveId, e]));
  fillDrivesTable(newest.slice(0, SHOWN), purpose);
  $('drives-empty').hidden = newest.length > 0;
  // Efficiency of each drive that has one, oldest first: an estimate from the battery's percent, and titled so.
  const efficient = newest
    .filter((d) => d.whPerMi !== null)
    .slice(0, 60)
    .reverse();
  drawBars(
    'efficiency-chart',
    efficient.map((d) => ({ label: day(d.startedBy), value: d.whPerMi! })),
    { x: 'Drive', y: 'Wh/mi (estimated)' },
    'rgba(29, 31, 35, 0.6)',
  );
  wireDrivePicker(vin, newest, purpose);
}

/** Grouped by the day the car was certainly driving (its first moving reading): a heading row, then each drive. */
function fillDrivesTable(shown: readonly Drive[], purpose: ReadonlyMap<string, LogRow>): void {
  const body = $<HTMLTableElement>('drives-table').tBodies[0]!;
  body.replaceChildren();
  let current = '';
  for (const d of shown) {
    const date = longDay(d.startedBy);
    if (date !== current) {
      current = date;
      const same = shown.filter((x) => longDay(x.startedBy) === date);
      const heading = body.insertRow();
      heading.className = 'day';
      const cell = document.createElement('th');
      cell.colSpan = 6;
      cell.scope = 'rowgroup';
      cell.textContent = `${date} · ${same.length} drive${same.length === 1 ? '' : 's'} · ${same.reduce((sum, x) => sum + x.distanceMi, 0).toFixed(1)} mi`;
      heading.append(cell);
    }
    const row = body.insertRow();
    row.className = 'drive';
    for (const text of [
      startText(d),
      `${d.distanceMi.toFixed(1)} mi${d.mayHideStops ? ' *' : ''}`,
      durationText(d),
      num(d.estimatedEnergyKwh, 1, ' kWh'),
      d.whPerMi === null ? '–' : `${d.whPerMi} Wh/mi`,
      purpose.get(d.id)?.purpose ?? '',
    ]) {
      row.insertCell().textContent = text;
    }
  }
}

/** The logbook form's drive list; picking a drive shows its purpose, note and detail. */
function wireDrivePicker(vin: string, drives: readonly Drive[], purpose: ReadonlyMap<string, LogRow>): void {
  const select = $<HTMLSelectElement>('drive-pick');
  select.replaceChildren(...drives.map((d) => new Option(`${day(d.startedBy)} ${startText(d)} · ${d.distanceMi.toFixed(1)} mi`, d.id)));
  // The car these drives are of: a save goes to this car, whatever the car picker says by then.
  select.dataset.vin = vin;
  const sync = (): void => {
    const row = purpose.get(select.value);
    $<HTMLSelectElement>('drive-purpose').value = row?.purpose ?? '';
    $<HTMLInputElement>('drive-note').value = row?.note ?? '';
    if (select.value) renderDriveDetail(vin, select.value).catch(dropStale);
  };
  select.onchange = sync;
  sync();
}

interface DriveDetail {
  drive: Drive & {
    start: { at: string; odometerMi: number; batteryLevel: number | null };
    end: { at: string; odometerMi: number; batteryLevel: number | null };
    startedAfter: string;
    startedBy: string;
    endedAfter: string;
    endedBy: string;
    energyEstimate: string | null;
    maxSpeedMph: number | null;
    readings: number;
  };
  readings: Array<{ at: string; odometerMi: number | null; speedMph: number | null; shiftState: string | null; location: LatLon | null }>;
}

/** What a drive's energy estimate came from, in words. */
const ENERGY_FROM: Record<string, string> = {
  rated_range_charging: 'from rated range, at this car’s Wh per rated mile',
  rated_range_pack: 'from rated range × pack size',
  battery_level: 'from battery % × pack size',
  imported: 'as imported',
};

/** The picked drive in full: when it could have started and ended, odometer and battery at each end, and its readings. */
async function renderDriveDetail(vin: string, id: string): Promise<void> {
  const { drive: d, readings } = await api<DriveDetail>(`/vehicles/${vin}/drives/${id}`);
  const items: Array<[string, string]> = [
    ['Started', between(d.startedAfter, d.startedBy)],
    ['Ended', between(d.endedAfter, d.endedBy)],
    ['Took', durationText(d)],
    ['Odometer', `${d.start.odometerMi.toFixed(1)} → ${d.end.odometerMi.toFixed(1)} mi (${d.distanceMi.toFixed(1)} mi)`],
    ['Battery', `${d.start.batteryLevel ?? '–'} → ${d.end.batteryLevel ?? '–'} %`],
    [
      'Energy (est.)',
      `${num(d.estimatedEnergyKwh, 1, ' kWh')}${d.whPerMi === null ? '' : ` · ${d.whPerMi} Wh/mi`}${d.energyEstimate ? ` · ${ENERGY_FROM[d.energyEstimate]}` : ''}`,
    ],
    ['Top speed seen', num(d.maxSpeedMph, 0, ' mph')],
    d.imported === 'teslamate'
      ? ['Readings', 'none: kept as TeslaMate recorded it']
      : ['Readings', `${readings.length} (${d.readings} while moving)${d.mayHideStops ? ' · may hide a short stop' : ''}`],
  ];
  if (d.fromPlace !== null || d.toPlace !== null) items.splice(2, 0, ['Places', `${d.fromPlace ?? '–'} → ${d.toPlace ?? '–'}`]);
  if (d.imported !== null) items.push(['Imported from', d.imported === 'teslamate' ? 'TeslaMate' : 'TeslaFi (derived here from its readings)']);
  const list = $('drive-detail');
  list.replaceChildren();
  for (const [term, value] of items) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    list.append(dt, dd);
  }
  await renderDriveMap(readings);
}

/** Charging sessions of the last 30 days, the monthly totals, and what the car lost standing still. */
export async function renderCharging(vin: string): Promise<void> {
  const [{ charges }, { months }, { idles }] = await Promise.all([
    api<{ charges: Charge[] }>(`/vehicles/${vin}/charges?order=newest&limit=${SHOWN}`),
    api<{ months: Month[] }>(`/vehicles/${vin}/months`),
    api<{ idles: Idle[] }>(`/vehicles/${vin}/idles?order=newest&limit=${SHOWN}`),
  ]);
  renderIdles(idles);
  await renderChargeCurve(vin);
  fill(
    $<HTMLTableElement>('charges-table').tBodies[0]!,
    charges.map((c) => [
      `${day(c.start.at)} ${time(c.start.at)}${placeText(c)}`,
      addedText(c),
      num(c.peakPowerKw, 0, ' kW'),
      c.kind === 'unknown' ? '–' : c.kind.toUpperCase(),
      `${c.start.batteryLevel ?? '–'} → ${c.end.batteryLevel ?? '–'} %`,
      // The owner's own figure, Tesla's bill (in its currency, idle fee included), or the kWh at PRICE_PER_KWH ("≈").
      costText(c),
    ]),
  );
  addInvoiceButtons($<HTMLTableElement>('charges-table').tBodies[0]!, charges);
  fill(
    $<HTMLTableElement>('months-table').tBodies[0]!,
    [...months]
      .reverse()
      .map((m) => [
        m.month,
        `${m.distanceMi.toFixed(0)} mi`,
        String(m.drives),
        `${m.chargedKwh.toFixed(1)} kWh`,
        m.whPerMi === null ? '–' : `${m.whPerMi} Wh/mi`,
        monthCostText(m),
      ]),
  );
}

/** The kWh the battery took, and what the car drew from the charger for it ("≈": estimated from its readings). */
function addedText(c: Charge): string {
  const added = num(c.energyAddedKwh, 1, ' kWh');
  // On a second line (the cell keeps line breaks): a phone's table has no room beside it.
  return c.energyUsedKwh === null ? added : `${added}\n≈ ${c.energyUsedKwh.toFixed(1)} drawn`;
}

/** The month's money by currency ("≈" when part of it is estimated), and per 100 mi when that can be said. */
function monthCostText(m: Month): string {
  const money = Object.entries(m.costs?.costByCurrency ?? {});
  if (!m.costs || money.length === 0) return '–';
  const amounts = money.map(([currency, amount]) => `${currency === 'owner' ? '' : `${currency} `}${amount.toFixed(2)}`).join(' + ');
  const per100 = m.costs.costPer100Mi === null ? '' : `\n${m.costs.costPer100Mi.toFixed(2)}/100 mi`;
  const missing = m.costs.sessionsWithoutCost > 0 ? `\n${m.costs.sessionsWithoutCost} without a cost` : '';
  return `${m.costs.estimated ? '≈ ' : ''}${amounts}${per100}${missing}`;
}

/** Parked stretches of an hour or more: range lost, drain per day, and how much of it the car slept. */
function renderIdles(idles: Idle[]): void {
  $('idles-empty').hidden = idles.length > 0;
  const measured = idles.filter((i) => i.drainPercentPerDay !== null).reverse();
  drawBars(
    'drain-chart',
    measured.map((i) => ({ label: day(i.startAt), value: i.drainPercentPerDay! })),
    { x: 'Parked from', y: 'Drain (%/day)' },
    'rgba(161, 92, 0, 0.6)',
  );
  fill(
    $<HTMLTableElement>('idles-table').tBodies[0]!,
    idles.map((i) => [
      `${day(i.startAt)} ${time(i.startAt)}`,
      i.hours.toFixed(1),
      `${i.endedByWake && i.rangeLostMi !== null ? '≈ ' : ''}${num(i.rangeLostMi, 1, ' mi')}`,
      `${i.endedByWake && i.drainPercentPerDay !== null ? '≈ ' : ''}${num(i.drainPercentPerDay, 1, ' %/day')}`,
      i.asleepShare === null ? '–' : `${Math.round(i.asleepShare * 100)} %`,
    ]),
  );
}

/**
 * A button by a Supercharger session's cost for each invoice Tesla lists: the PDF is fetched from Tesla when pressed
 * (one counted request), with the token, and saved.
 */
function addInvoiceButtons(tbody: HTMLTableSectionElement, charges: readonly Charge[]): void {
  charges.forEach((c, i) => {
    const cell = tbody.rows[i]?.cells[tbody.rows[i].cells.length - 1];
    for (const invoice of c.tesla?.invoices ?? []) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      button.textContent = 'invoice (PDF)';
      button.title = 'Fetched from Tesla when pressed: one counted request';
      button.addEventListener('click', () => {
        button.disabled = true;
        download(invoice.path, 'application/pdf', `tesla-invoice-${invoice.id}.pdf`)
          .catch((error: unknown) => (button.textContent = `invoice: ${error instanceof Error ? error.message : 'error'}`))
          .finally(() => (button.disabled = false));
      });
      cell?.append(' ', button);
    }
  });
}

/** Where a session was: your place, else the Supercharger Tesla billed, else the name an imported session came with. */
function placeText(c: Charge): string {
  const name = c.place?.name ?? c.tesla?.site ?? c.imported?.placeName ?? null;
  return name === null ? '' : `\n${name}`;
}

function costText(c: Charge): string {
  if (c.cost === null) return '–';
  if (c.costSource === 'tesla')
    return `${c.currency ?? ''} ${c.cost.toFixed(2)} (Tesla${c.tesla && c.tesla.idleFee > 0 ? `, idle fee ${c.tesla.idleFee.toFixed(2)}` : ''})`;
  if (c.costSource === 'imported') return `${c.currency ? `${c.currency} ` : ''}${c.cost.toFixed(2)} (imported)`;
  return `${c.costSource === 'price' ? '≈ ' : ''}${c.cost.toFixed(2)}`;
}
