import { DAY_MS, MINUTE_MS } from '../../shared/domain/clock';
import type { SimClock } from '../simulator/sim-clock';
import type { LocalHost } from './local-host';

/** `npm start -- --demo`: this many days of simulated history, in a data folder of its own. */
export const DEMO_DAYS = 30;
export const DEMO_DATA_DIR = '.data-demo';
/**
 * The demo's Tesla budget unless MONTHLY_BUDGET_USD says otherwise: its cars drive and charge every hour (nothing is
 * billed: they are simulated), and on the default $10 shared between them the budget would stretch their reads until
 * no reading sees them moving.
 */
export const DEMO_BUDGET_USD = '50';
/** How often the fill reads the simulated cars: often enough for every drive and charge, quick to run. */
const FILL_STEP_MS = 10 * MINUTE_MS;

/**
 * Fills the simulated cars' history up to now on a hand-moved clock, the collector running as it would have, then
 * lets the clock run in real time from there. "Now" is read as the fill goes (it takes a few minutes), so the clock
 * ends level with real time. A folder filled before resumes from its newest reading (history never runs
 * backwards). Reports progress once a simulated day.
 */
export async function fillSimulatedHistory(
  host: LocalHost,
  clock: SimClock,
  now: () => number = Date.now,
  onDay: (day: number, days: number) => void = () => undefined,
): Promise<void> {
  const start = clock.now();
  const days = Math.ceil((now() - start) / DAY_MS);
  let reported = 0;
  while (clock.now() < now()) {
    await host.collectNow();
    clock.advance(Math.max(1, Math.min(FILL_STEP_MS, now() - clock.now())));
    const day = Math.floor((clock.now() - start) / DAY_MS);
    if (day > reported) onDay((reported = day), days);
  }
  await host.collectNow();
  clock.setSpeed(1);
}
