import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { eventually } from '../../support/eventually';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalHost, type LocalHost } from '../../../infra/local/local-host';
import { FileReadTokenStore } from '../../../shared/secrets/read-token-stores';
import { addReadToken } from '../../../shared/secrets/read-tokens';
import { SimClock } from '../../../infra/simulator/sim-clock';
import { parseLocalSettings } from '../../../shared/config/local-settings';
import { HOUR_MS, MINUTE_MS } from '../../../shared/domain/clock';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.REQUIRE_BROWSER === '1') throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
if (!available) console.warn(`dashboard browser test skipped: ${CHROMIUM} not found (apt-get install chromium)`);

const OUT = join(process.cwd(), 'test-output');
const require = createRequire(import.meta.url);
let host: LocalHost;
let browser: Browser;
let dataDir = '';
/** A month, as the demo fills it: read every 30 minutes, every 10 in the last four days. */
const DAYS = 30;
const FINE_DAYS = 4;

beforeAll(async () => {
  if (!available) return;
  // A simulated month of three cars up to now, the clock at its end: the first car drives every hour, so the month
  // holds far more drives (over 700) than one page of the API, and the page must ask for the newest, not the oldest.
  const clock = new SimClock(Date.now() - DAYS * 24 * HOUR_MS, 0);
  dataDir = await mkdtemp(join(tmpdir(), 'dash-'));
  // Positions on: the drive map draws routes (over no tiles: MAP_TILE_URL is unset, so no third-party host).
  // Three cars, each with the $10 a one-car account has. The demo car drives and charges every hour; on a third of $10
  // the budget stretches its reads so far that no reading sees it moving.
  const settings = { DATA_DIR: dataDir, PORT: '0', INCLUDE_LOCATION: 'true', MONTHLY_BUDGET_USD: '30' };
  host = await startLocalHost(parseLocalSettings(settings, process.cwd()), {
    schedule: false,
    simulator: {
      clock,
      cars: [
        { vin: '5YJ3E7EB0SF000001', id: 1, displayName: 'Sim Model 3' },
        // Parked all evening, then charged at night: its evenings are idle periods with a drain.
        {
          vin: '5YJ3E7EB0SF000003',
          id: 3,
          displayName: 'Sim Commuter',
          profile: {
            periodMinutes: 1440,
            segments: [
              { activity: 'drive', startMinute: 60, minutes: 30, speedMph: 30 },
              { activity: 'charge', startMinute: 420, minutes: 120, percentPerHour: 12 },
            ],
          },
        },
        // Out on Saturdays (a Supercharger stop on the way: Tesla bills it), charged on Sunday nights, parked (and
        // draining) the rest of the week.
        {
          vin: '5YJ3E7EB0SF000004',
          id: 4,
          displayName: 'Sim Weekender',
          profile: {
            periodMinutes: 7 * 1440,
            segments: [
              { activity: 'drive', startMinute: 600, minutes: 150, speedMph: 45 },
              { activity: 'supercharge', startMinute: 751, minutes: 50, peakKw: 50 },
              { activity: 'drive', startMinute: 802, minutes: 60, speedMph: 45 },
              { activity: 'charge', startMinute: 1440 + 1320, minutes: 240, percentPerHour: 10 },
            ],
          },
        },
      ],
    },
  });
  while (clock.now() < Date.now() - 10 * MINUTE_MS) {
    await host.collectNow();
    clock.advance(clock.now() < Date.now() - FINE_DAYS * 24 * HOUR_MS ? 30 * MINUTE_MS : 10 * MINUTE_MS);
  }
  clock.advance(5 * MINUTE_MS);
  await host.collectNow();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

/** A GET of the local API with the owner's token, as JSON. */
const apiGet = async <T>(path: string): Promise<T> =>
  (await (await fetch(`${host.url}${path}`, { headers: { authorization: `Bearer ${host.apiToken}` } })).json()) as T;

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical findings on the page as it is now (WCAG 2.0/2.1 A and AA rules). */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's strict CSP (no inline script) does not block it.
  await page.evaluate(AXE);
  const found = await page.evaluate<Array<{ id: string; impact: string; nodes: string[] }>>(
    "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))",
  );
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.join(', ')}`);
}

(available ? describe : describe.skip)('dashboard in headless Chromium', () => {
  it('signs in, charts the odometer, runs a command and shows its result', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // Nothing is asked of any host but this one: no tiles, fonts or scripts from a third party.
    page.on('request', (r) => !r.url().startsWith(host.url) && !r.url().startsWith('data:') && problems.push(`asked ${r.url()}`));
    // Chromium reports every non-2xx fetch as a console error; this test provokes a 401 and a 400 on purpose.
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(m.text()));

    await page.goto(host.url);
    // Signed out: only the sign-in card shows.
    expect(await page.locator('#app').isVisible()).toBe(false);
    expect(await page.locator('#login').isVisible()).toBe(true);
    await page.getByLabel('API token').fill('definitely-not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(
      () => page.locator('#login-error').textContent(),
      (v) => expect(v).toContain('not accepted'),
    );

    await page.getByLabel('API token').fill(host.apiToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#state b').first().waitFor();
    expect(await page.locator('#vehicle option').count()).toBe(3);
    expect(await page.locator('#state').textContent()).toMatch(/%/);

    // Month view: one row per day with data, and a drawn chart.
    await eventually(
      () => page.locator('#odometer-table tbody tr').count(),
      (v) => expect(v).toBeGreaterThanOrEqual(3),
    );
    const firstRow = await page.locator('#odometer-table tbody tr').first().locator('td').allTextContents();
    expect(firstRow[0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // By the last day the car has driven. (Not the first: the month starts when the test does, and if that is just
    // after the car's hourly drive, the first day's one reading is the starting 12,000.)
    const lastRow = await page.locator('#odometer-table tbody tr').last().locator('td').allTextContents();
    expect(Number(lastRow[1])).toBeGreaterThan(12_000);
    // "All" (ten years) with three days of data still draws a bar a day, not one bar across the chart.
    await page.getByRole('button', { name: 'All' }).click();
    await eventually(
      () => page.locator('#odometer-table thead').textContent(),
      (v) => expect(v).toContain('Distance'),
    );
    expect(await page.locator('#odometer-table tbody tr').count()).toBeGreaterThanOrEqual(3);
    await page.getByRole('button', { name: 'Month', exact: true }).click();
    const canvas = page.locator('#odometer-chart');
    expect((await canvas.boundingBox())!.height).toBeGreaterThan(100);
    // The last session's charging curve, a point a reading.
    await eventually(
      () => page.locator('#charge-curve').getAttribute('data-points'),
      (v) => expect(Number(v)).toBeGreaterThan(0),
    );
    // Battery and range over the month, from the stored readings.
    await eventually(
      () => page.locator('#battery-chart').getAttribute('data-points'),
      (v) => expect(Number(v)).toBeGreaterThan(50),
    );
    expect((await page.locator('#battery-chart').boundingBox())!.height).toBeGreaterThan(100);
    // Each wheel's pressure over the month, from the same readings.
    await eventually(
      () => page.locator('#tyre-chart').getAttribute('data-points'),
      (v) => expect(Number(v)).toBeGreaterThan(50),
    );

    // A command from the buttons built from /openapi.json; the audit log shows it.
    expect(await page.locator('form[data-command="door_unlock"]').count()).toBe(0);
    // History: drives, charging sessions and months from the simulated days; a purpose goes into the logbook.
    await eventually(
      () => page.locator('#drives-table tbody tr.drive').count(),
      (n) => expect(n).toBeGreaterThanOrEqual(3),
    );
    // Grouped by day under a heading row that counts them.
    expect(await page.locator('#drives-table tbody tr.day').first().textContent()).toMatch(/· \d+ drives? · \d+\.\d mi$/);
    expect(await page.locator('#charges-table tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#months-table tbody tr').count()).toBeGreaterThanOrEqual(1);
    // Each recent drive's efficiency, as bars (an estimate, and titled so).
    await eventually(
      () => page.locator('#efficiency-chart').getAttribute('data-points'),
      (v) => expect(Number(v)).toBeGreaterThan(5),
    );
    // The demo car is never parked an hour: the idle table says so.
    expect(await page.locator('#idles-empty').isVisible()).toBe(true);
    // The picked drive in full, below the form.
    await eventually(
      () => page.locator('#drive-detail').textContent(),
      (v) => expect(v).toMatch(/Odometer[\d.]+ → [\d.]+ mi \([\d.]+ mi\)/),
    );
    expect(await page.locator('#drive-detail').textContent()).toMatch(/Readings\d+ \(\d+ while moving\)/);
    // A drive a moving reading saw: the newest may have been seen parked at both ends only, and the demo car's loop
    // ends where it began (a route of one position twice).
    const listed = await apiGet<{ drives: Array<{ id: string; readings: number }> }>('/vehicles/5YJ3E7EB0SF000001/drives?order=newest&limit=20');
    const seen = listed.drives.find((d) => d.readings > 0)!;
    await page.selectOption('#drive-pick', seen.id);
    await eventually(
      () => page.locator('#drive-detail').textContent(),
      (v) => expect(v).toContain(`(${seen.readings} while moving)`),
    );
    // Its route on the map: a line through its positions from start to end, on a plain grid without MAP_TILE_URL.
    await page.locator('#drive-map svg polyline').waitFor();
    const routePoints = (await page.locator('#drive-map polyline').getAttribute('points'))!.split(' ');
    expect(routePoints.length).toBeGreaterThanOrEqual(2);
    expect(new Set(routePoints).size).toBeGreaterThan(1); // the car moved: not every position the same
    expect(await page.locator('#drive-map image').count()).toBe(0);
    expect(await page.locator('#drive-map figcaption').textContent()).toContain('No map tiles: set MAP_TILE_URL');
    await page.locator('#drive-purpose').selectOption('business');
    await page.locator('#drive-note').fill('client visit');
    await page.getByRole('button', { name: 'Save to the logbook' }).click();
    await eventually(
      () => page.locator('#logbook-status').textContent(),
      (v) => expect(v).toContain('Saved'),
    );
    await eventually(
      () => page.locator('#drives-table tbody tr.drive').first().locator('td').nth(5).textContent(),
      (v) => expect(v).toBe('business'),
    );
    await page.getByRole('button', { name: 'Check the logbook’s chain' }).click();
    await eventually(
      () => page.locator('#logbook-status').textContent(),
      (v) => expect(v).toMatch(/Logbook intact: \d+ entries/),
    );

    // Usage: by category, and where the month is heading.
    await eventually(
      () => page.locator('#usage-projection').textContent(),
      (v) => expect(v).toMatch(/At this pace, about \$\d+\.\d{2} by the end of the month/),
    );
    expect(await page.locator('#usage tbody tr').count()).toBe(3);

    // A disruptive command asks for a second tap; the first sends nothing.
    const auditRows = await page.locator('#audit tbody tr').count();
    await page.locator('form[data-command="flash_lights"] button').click();
    await eventually(
      () => page.locator('form[data-command="flash_lights"] button').textContent(),
      (v) => expect(v).toMatch(/Tap again/),
    );
    expect(await page.locator('#audit tbody tr').count()).toBe(auditRows);
    await page.locator('form[data-command="flash_lights"] button').click();
    await eventually(
      () => page.locator('#command-result').textContent(),
      (v) => expect(v).toMatch(/Flash lights: done/),
      30_000,
    );
    // The answer shows next to the tapped control, inside the phone's viewport.
    const box = (await page.locator('#command-result').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    // Inputs start from the car's values, never the range's minimum.
    expect(Number(await page.locator('#set_charge_limit-percent').inputValue())).toBeGreaterThan(50);
    await eventually(
      () => page.locator('#audit tbody tr').first().textContent(),
      (v) => expect(v).toContain('Flash lights'),
    );
    expect(await page.locator('#audit tbody tr').first().locator('td').nth(3).textContent()).toBe('rest'); // which transport

    // A command with a parameter outside its range is refused with the reason, before Tesla.
    // Get past the browser's own range check, as a hand-made request would, to see the API's answer.
    await page.evaluate("document.getElementById('set_charge_limit-percent').removeAttribute('min')");
    await page.locator('#set_charge_limit-percent').fill('20');
    await page.locator('form[data-command="set_charge_limit"] button').click();
    await eventually(
      () => page.locator('#command-result').textContent(),
      (v) => expect(v).toMatch(/failed: percent: .*invalid_command_body/),
    );

    // Automations: create one for weekday mornings with a parameter and a condition, switch it off, delete it.
    await page.locator('#automation-name').fill('Morning limit');
    await page.locator('#automation-command').selectOption('set_charge_limit');
    await page.locator('#automation-set_charge_limit-percent').fill('85');
    await page.locator('#automation-plugged').check();
    await page.getByRole('button', { name: 'Add automation' }).click();
    await eventually(
      () => page.locator('#automations-table tbody tr').count(),
      (n) => expect(n).toBe(1),
    );
    await eventually(
      () => page.locator('#automation-name').inputValue(),
      (v) => expect(v).toBe(''),
    ); // cleared for the next one
    // A schedule that can never run is refused in words that name the field as the form shows it.
    await page.locator('#automation-when').selectOption('cron');
    await page.locator('#automation-cron').fill('0 7 30 2 *');
    await page.getByRole('button', { name: 'Add automation' }).click();
    await eventually(
      () => page.locator('#automation-status').textContent(),
      (v) => expect(v).toBe('Not saved: Cron: never runs: February has no day 30'),
    );
    await page.locator('#automation-when').selectOption('weekdays');
    const row = page.locator('#automations-table tbody tr').first();
    expect(await row.locator('td').nth(2).textContent()).toBe('weekdays 07:30');
    expect(await row.locator('td').nth(3).textContent()).not.toBe('–'); // its next run
    const stored = await apiGet<{ automations: Array<{ body: unknown; conditions: unknown; schedule: { cron: string } }> }>('/automations');
    expect(stored.automations[0]).toMatchObject({ body: { percent: 85 }, conditions: [{ kind: 'plugged_in' }], schedule: { cron: '30 7 * * 1-5' } });
    await page.getByRole('button', { name: 'Turn off Morning limit' }).click();
    await eventually(
      () => row.locator('td').nth(3).textContent(),
      (v) => expect(v).toBe('–'),
    );
    await mkdir(OUT, { recursive: true });
    await page.locator('#automations-card').screenshot({ path: join(OUT, 'automations-phone.png') });
    await page.getByRole('button', { name: 'Delete Morning limit' }).click();
    // The confirmation is in view, not cut off at the card's edge.
    const confirm = (await page.getByRole('button', { name: 'Delete Morning limit' }).boundingBox())!;
    const card = (await page.locator('#automations-card').boundingBox())!;
    expect(confirm.x + confirm.width).toBeLessThanOrEqual(card.x + card.width);
    expect(await page.locator('#automations-table tbody tr').count()).toBe(1); // a second tap is needed
    await page.getByRole('button', { name: 'Delete Morning limit' }).click();
    await eventually(
      () => page.locator('#automations-table tbody tr').count(),
      (n) => expect(n).toBe(0),
    );

    // Places: name home with a time-of-use tariff; a period that is not one is refused in words, nothing saved.
    await page.locator('#place-name').fill('Home');
    await page.locator('#place-latitude').fill('37.4925');
    await page.locator('#place-longitude').fill('-121.9447');
    await page.locator('#place-currency').fill('usd');
    await page.locator('#place-per-kwh').fill('0.32');
    await page.locator('#place-periods').fill('night 00:00 07:00 0.18');
    await page.getByRole('button', { name: 'Save place' }).click();
    expect(await page.locator('#place-status').textContent()).toBe('Not saved: "night 00:00 07:00 0.18" is not like: night 00:00-07:00 0.18');
    await page.locator('#place-periods').fill('night 00:00-07:00 0.18');
    await page.getByRole('button', { name: 'Save place' }).click();
    await eventually(
      () => page.locator('#places-table tbody tr').first().locator('td').allTextContents(),
      (cells) => expect(cells.slice(0, 3)).toEqual(['Home', 'home', 'USD 0.32/kWh · night 00:00–07:00 0.18']),
    );

    // The other car stood still every evening until its night charge: each evening is an idle period with its drain
    // and the share of it the car slept (the screenshots below show this car).
    await page.locator('#vehicle').selectOption('5YJ3E7EB0SF000003');
    await eventually(
      () => page.locator('#idles-table tbody tr').count(),
      (n) => expect(n).toBeGreaterThanOrEqual(2),
    );
    expect(await page.locator('#idles-empty').isVisible()).toBe(false);
    const idle = await page.locator('#idles-table tbody tr').first().locator('td').allTextContents();
    expect(idle[1]).toMatch(/^\d+\.\d$/); // hours
    expect(idle[3]).toMatch(/^\d+\.\d %\/day$/);
    expect(Number(idle[4]!.replace(' %', ''))).toBeGreaterThan(50); // asleep most of the evening
    // Battery health per month, from the drives' ends, with the method said.
    await eventually(
      () => page.locator('#health-table tbody tr').first().locator('td').allTextContents(),
      (cells) => expect(cells[1]).toMatch(/^\d+ mi$/),
    );
    expect(await page.locator('#health-summary').textContent()).toContain('Method:');
    // Efficiency by outside temperature and by average speed, from the same drives.
    await eventually(
      () => page.locator('#efficiency-speed-chart').getAttribute('data-points'),
      (v) => expect(Number(v)).toBeGreaterThan(0),
    );
    expect(Number(await page.locator('#efficiency-temp-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    await eventually(
      () => page.locator('#drain-chart').getAttribute('data-points'),
      (v) => expect(Number(v)).toBeGreaterThanOrEqual(2),
    );

    // An accessibility check (axe-core, WCAG 2 A/AA rules) finds nothing serious, on the phone and (below) the desktop.
    expect(await seriousViolations(page)).toEqual([]);

    // No horizontal overflow on a phone, nor on a desktop; and no table cell cut off at 390 px.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const cut = await page.evaluate<string[]>(`[...document.querySelectorAll('#app table')].flatMap((t) => {
      const region = t.closest('.card').getBoundingClientRect();
      const cells = [...t.querySelectorAll('th, td')].filter((c) => c.getClientRects().length > 0);
      return cells.filter((c) => c.getBoundingClientRect().right > region.right + 1 || c.scrollWidth > c.clientWidth + 1).map((c) => t.id + ': ' + c.textContent);
    })`);
    expect(cut).toEqual([]);
    await mkdir(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'dashboard.png'), fullPage: true });
    const sections = async (size: string) => {
      const cards = page.locator('#app > section');
      for (let i = 0; i < (await cards.count()); i++) await cards.nth(i).screenshot({ path: join(OUT, `section-${i + 1}-${size}.png`) });
    };
    await sections('phone');
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1440);
    await page.screenshot({ path: join(OUT, 'dashboard-desktop.png'), fullPage: true });
    await sections('desktop');
    expect(await seriousViolations(page)).toEqual([]);
    console.log(`dashboard screenshots: ${OUT}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  /** Signs in on a fresh page and waits for the first car's tiles. */
  async function signedIn(width = 390, height = 844): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(host.url);
    await page.getByLabel('API token').fill(host.apiToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#state b').first().waitFor();
    return page;
  }
  const A = '5YJ3E7EB0SF000001';
  const B = '5YJ3E7EB0SF000003';
  const W = '5YJ3E7EB0SF000004';

  it('shows the newest stored drive and charge first, however many the month holds', async () => {
    const page = await signedIn();
    const { drives } = await apiGet<{ drives: Array<{ id: string; start: { at: string } }> }>(`/vehicles/${A}/drives?order=newest&limit=1`);
    await eventually(
      () => page.locator('#drive-pick option').first().getAttribute('value'),
      (v) => expect(v).toBe(drives[0]!.id),
    );
    const heading = await page.locator('#drives-table tbody tr.day').first().textContent();
    const newestDay = await page.evaluate(
      `new Date(${JSON.stringify(drives[0]!.start.at)}).toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' })`,
    );
    expect(heading).toContain(newestDay);
    const { charges } = await apiGet<{ charges: Array<{ start: { at: string } }> }>(`/vehicles/${A}/charges?order=newest&limit=1`);
    const firstCharge = await page.locator('#charges-table tbody tr').first().locator('td').first().textContent();
    expect(firstCharge).toContain(
      await page.evaluate(`new Date(${JSON.stringify(charges[0]!.start.at)}).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })`),
    );
    await page.close();
  });

  it('saves a Supercharger session’s invoice, fetched from Tesla with the token, from the charges table', async () => {
    const { charges } = await apiGet<{ charges: Array<{ kind: string; tesla: unknown }> }>(`/vehicles/${W}/charges?order=newest&limit=20`);
    expect(charges.filter((c) => c.tesla !== null).length).toBeGreaterThan(0);
    const page = await signedIn();
    await page.locator('#vehicle').selectOption(W);
    const button = page.locator('#charges-table tbody').getByRole('button', { name: 'invoice (PDF)' }).first();
    await button.waitFor();
    // The session is named by the Supercharger Tesla billed it at.
    expect(
      await page
        .locator('#charges-table tbody tr')
        .filter({ has: page.getByRole('button', { name: 'invoice (PDF)' }) })
        .first()
        .locator('td')
        .first()
        .textContent(),
    ).toContain('\nFremont, CA - Sim Supercharger');
    const [saved] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(saved.suggestedFilename()).toMatch(/^tesla-invoice-sim-invoice-5YJ3E7EB0SF000004-\d+\.pdf$/);
    const bytes = readFileSync(await saved.path());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.toString('latin1')).toContain('Supercharging invoice');
    await mkdir(OUT, { recursive: true });
    await page.locator('#charging-card').screenshot({ path: join(OUT, 'charges-invoice-phone.png') });
    await page.close();
  });

  it('switching cars quickly never shows, or lets one edit, the other car’s drives (its late answers are dropped)', async () => {
    const page = await signedIn();
    // The first car's history answers slowly, as a cold Lambda might: its answers arrive after the switch.
    await page.route(new RegExp(`/vehicles/${A}/(drives|charges|idles|logbook)`), async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 700));
      await route.continue().catch(() => undefined);
    });
    const { drives: bDrives } = await apiGet<{ drives: Array<{ id: string }> }>(`/vehicles/${B}/drives?order=newest&limit=200`);
    for (const vin of [B, A, B, A, B]) await page.locator('#vehicle').selectOption(vin);
    await eventually(
      () => page.locator('#drive-pick').getAttribute('data-vin'),
      (v) => expect(v).toBe(B),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // every slow answer of the first car has arrived by now
    expect(await page.locator('#drive-pick').getAttribute('data-vin')).toBe(B);
    expect(await page.locator('#drive-pick option').evaluateAll((options): string[] => options.map((o) => String((o as { value?: unknown }).value)))).toEqual(
      bDrives.map((d) => d.id),
    );
    // A save goes to the car the drives belong to.
    await page.locator('#drive-purpose').selectOption('private');
    await page.getByRole('button', { name: 'Save to the logbook' }).click();
    await eventually(
      () => page.locator('#logbook-status').textContent(),
      (v) => expect(v).toContain('Saved'),
    );
    const book = await apiGet<{ entries: Array<{ driveId: string; purpose: string | null }> }>(`/vehicles/${B}/logbook`);
    expect(book.entries.find((e) => e.driveId === bDrives[0]!.id)?.purpose).toBe('private');
    await page.close();
  });

  it('after a command, the tile and the input show the new value (sent) until a reading confirms it', async () => {
    const page = await signedIn();
    await page.locator('#set_charge_limit-percent').fill('90');
    await page.locator('form[data-command="set_charge_limit"] button').click();
    await eventually(
      () => page.locator('#command-result').textContent(),
      (v) => expect(v).toMatch(/Set charge limit: (done|already set)/),
      30_000,
    );
    await eventually(
      () => page.locator('#state').textContent(),
      (v) => expect(v).toMatch(/of 90 %/),
    );
    expect(await page.locator('#set_charge_limit-percent').inputValue()).toBe('90');
    // The next reading (the collector's) confirms it: the value stays, without "(sent)".
    await host.collectNow();
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))");
    await eventually(
      () => page.locator('#state').textContent(),
      (v) => expect(v).toMatch(/of 90 %/),
    );
    await page.close();
  });

  it('answers at a glance on a phone: battery, range, what the car is doing and the last drive, all on the first screen', async () => {
    const page = await signedIn();
    await eventually(
      () => page.locator('#glance-drive').textContent(),
      (v) => expect(v).toMatch(/^Last drive: [\d.,]+ mi, ended /),
    );
    expect(await page.locator('#glance-battery').textContent()).toMatch(/^\d+ %$/);
    expect(await page.locator('#glance-range').textContent()).toMatch(/^[\d,]+ mi$/);
    expect(await page.locator('#glance-status').textContent()).toMatch(/^(Parked|Driving|Charging|Asleep)/);
    for (const id of ['#glance-battery', '#glance-range', '#glance-status', '#glance-drive']) {
      const box = (await page.locator(id).boundingBox())!;
      expect({ id, bottom: box.y + box.height <= 844 }).toEqual({ id, bottom: true });
    }
    // km as the owner chooses, kept in this browser.
    await page.getByRole('button', { name: 'km', exact: true }).click();
    await eventually(
      () => page.locator('#glance-range').textContent(),
      (v) => expect(v).toMatch(/^[\d,]+ km$/),
    );
    expect(await page.getByRole('button', { name: 'km', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: join(OUT, 'glance-phone.png') });
    await page.getByRole('button', { name: 'mi', exact: true }).click();
    await page.close();
  });

  it('shows a read-only token no control it may not use, and groups the owner’s commands for people', async () => {
    const owner = await signedIn(1440, 900);
    expect(await owner.locator('.command-group h3').allTextContents()).toEqual(expect.arrayContaining(['Climate', 'Charging', 'Security']));
    expect(await owner.locator('#commands-card').isVisible()).toBe(true);
    await owner.close();
    const store = new FileReadTokenStore(join(dataDir, 'read-tokens.json'));
    const { token, records } = addReadToken(await store.read(), 'family', Date.now());
    await store.write(records);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(host.url);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(
      () => page.locator('#glance-battery').textContent(),
      (v) => expect(v).toMatch(/%/),
    );
    for (const id of ['#commands-card', '#automation-form', '#drive-form', '#place-form'])
      expect({ id, visible: await page.locator(id).isVisible() }).toEqual({ id, visible: false });
    await page.close();
  });

  it('works from the keyboard alone: sign in, reach a command with Tab, send it with Enter', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(host.url);
    const focused = (): Promise<string> => page.evaluate("(document.activeElement.id || '') + '|' + (document.activeElement.textContent || '').trim()");
    const tabTo = async (wanted: (f: string) => boolean, max = 400): Promise<void> => {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        if (wanted(await focused())) return;
      }
      throw new Error('not reachable with Tab');
    };
    await tabTo((f) => f.startsWith('token|'));
    await page.keyboard.type(host.apiToken);
    await page.keyboard.press('Enter');
    await page.locator('#state b').first().waitFor();
    await tabTo((f) => f === '|Door lock');
    await page.keyboard.press('Enter');
    await eventually(
      () => page.locator('#command-result').textContent(),
      (v) => expect(v).toMatch(/Door lock: done/),
      30_000,
    );
    // The automation form is reachable too, and its button sends with Enter.
    await tabTo((f) => f === '|Add automation');
    await page.close();
  });
});
