import { ConfigError } from '../../shared/config/config-error';
import type { CollectorSummary } from '../../shared/domain/collector';
import type { CollectorHalt } from '../../shared/domain/collector-run';
import { parseLocalSettings, type LocalSettings } from '../../shared/config/local-settings';
import { DEFAULT_SIM_VIN, SIGNED_SIM_VIN } from '../simulator/fleet-simulator';
import { DAY_MS } from '../../shared/domain/clock';
import { SimClock } from '../simulator/sim-clock';
import { DEMO_BUDGET_USD, DEMO_DATA_DIR, DEMO_DAYS, fillSimulatedHistory } from './demo';
import { startLocalHost, type LocalHost } from './local-host';

/** `npm start`: the whole system on this machine. Settings come from the environment (see docs/settings.md). */
async function main(): Promise<void> {
  // The AWS SDK prints nine lines on Node < 22 about its releases from 2027; one line says the same here.
  if (Number(process.versions.node.split('.')[0]) < 22) {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    console.warn(`note: Node ${process.versions.node} works; Node 22 or later is recommended (AWS SDK releases from 2027 require it)`);
  }
  // --demo: a month of simulated history at once, in a folder of its own, so the dashboard, the API and the logbook
  // can be explored in the first minute. Everything in it comes from the simulated cars.
  const demo = process.argv.slice(2).includes('--demo');
  // --stream: the simulated cars stream over Fleet Telemetry's wire to a stand-in receiver (docs/streaming.md).
  const stream = process.argv.slice(2).includes('--stream');
  const demoEnv = { ...process.env, DATA_DIR: process.env.DATA_DIR ?? DEMO_DATA_DIR, MONTHLY_BUDGET_USD: process.env.MONTHLY_BUDGET_USD ?? DEMO_BUDGET_USD };
  const settings = parseLocalSettings(demo ? demoEnv : process.env, process.cwd());
  if (demo && settings.fleetApiUrl !== undefined) throw new ConfigError('--demo', 'runs on the simulated cars only: unset TESLA_FLEET_API_URL');
  if (stream && demo) throw new ConfigError('--stream', 'does not fill --demo history yet: run one or the other');
  if (stream && settings.fleetApiUrl !== undefined)
    throw new ConfigError('--stream', 'streams the simulated cars only: a real car streams to the receiver in AWS (docs/streaming.md)');
  const demoClock = demo ? new SimClock(Date.now() - DEMO_DAYS * DAY_MS, 0) : null;
  const quiet = { filling: demoClock !== null };
  const host = await startLocalHost(settings, {
    ...(demoClock ? { simulator: { clock: demoClock } } : {}),
    stream,
    log: {
      info: () => undefined,
      warn: (message) => console.warn(`warning: ${message}`),
      error: (message) => console.error(`error: ${message}`),
    },
    onCollect: (summary) => {
      if (!quiet.filling) printPass(summary);
    },
  });
  if (demoClock) {
    await fillDemo(host, demoClock, settings);
    quiet.filling = false;
  }
  printWelcome(host, settings);
  const shutdown = (): void => {
    void host.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** One line per collector pass: what each car did, and the requests it took. */
function printPass(summary: CollectorSummary | CollectorHalt | Error): void {
  if (summary instanceof Error) {
    console.error(`${new Date().toISOString()} collector failed: ${summary.message}`);
    return;
  }
  if ('halted' in summary) {
    if (summary.halted !== 'another_run') console.warn(`${new Date().toISOString()} collector waiting: ${summary.message}`);
    return;
  }
  const cars = summary.vehicles
    .map((v) => `${v.vin} ${v.state} ${v.decision}(${v.reason})${v.odometerMi != null ? ` odometer ${v.odometerMi.toFixed(2)} mi` : ''}`)
    .join('; ');
  const r = summary.requests;
  console.log(
    `${summary.startedAt} collect: ${summary.listSkipped ? 'all cars asleep, not listed this time' : cars || 'no vehicles'} | requests data=${r.data} free=${r.free}`,
  );
}

/** Fills the demo folder with simulated history up to now; a folder filled before goes on from its newest reading. */
async function fillDemo(host: LocalHost, demoClock: SimClock, settings: LocalSettings): Promise<void> {
  const newest = await host.newestReadingAt();
  if (newest !== null && newest > demoClock.now()) demoClock.advance(newest - demoClock.now());
  console.log(`demo: filling ${settings.dataDir} with simulated history up to now (the cars are the simulator's, not yours)…`);
  // About 2 minutes for a month (each simulated reading is a collector pass against dynalite): the dashboard and
  // the API answer meanwhile, the history growing day by day.
  console.log(`demo: the dashboard is up already at ${host.url}/ (API token ${host.apiToken}); the history grows as it fills`);
  await fillSimulatedHistory(host, demoClock, Date.now, (day, days) => {
    if (day % 5 === 0 || day === days) console.log(`demo: ${day} of ${days} days`);
  });
}

function printWelcome(host: LocalHost, settings: LocalSettings): void {
  const auth = `-H "Authorization: Bearer ${host.apiToken}"`;
  const domain = new URL(host.url).host;
  const cars = host.simulator
    ? `built-in simulator at ${host.simulator.baseUrl}
              ${DEFAULT_SIM_VIN} Sim Model 3 (takes REST commands)
              ${SIGNED_SIM_VIN} Sim Model Y (takes only signed commands: npm run keys, then pair at
                                ${host.simulator.baseUrl}/_ak/${domain})
              both drive minutes 0–12 and charge minutes 40–55 of every clock hour`
    : settings.fleetApiUrl;
  const vin = host.simulator ? DEFAULT_SIM_VIN : '<VIN>';
  console.log(`
Tesla Fleet logger running at ${host.url}
  dashboard:  ${host.url}/  (sign in with the API token)
  cars:       ${cars}
  data:       ${settings.dataDir}
  collector:  a pass every ${settings.collectIntervalSeconds} s; each pass reads only the cars whose next reading is due${host.streamTick ? '\n  streaming:  the simulated cars stream every change over mutual TLS to a stand-in receiver; the collector leaves a car that streams to the stream' : ''}
  API token:  ${host.apiToken}

Try:
  curl ${auth} ${host.url}/vehicles
  curl ${auth} "${host.url}/vehicles/${vin}/odometer"
  curl -X POST ${auth} ${host.url}/vehicles/${vin}/commands/door_lock
`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`configuration error: ${error.message}`);
  else console.error(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
