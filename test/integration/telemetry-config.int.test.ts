import { afterEach, describe, expect, it } from '@jest/globals';
import { FleetApiError } from '../../shared/domain/fleet-errors';
import { configureStreaming } from '../../shared/domain/telemetry/configure-streaming';
import { DEFAULT_SIGNALS } from '../../shared/domain/telemetry/signal-set';
import { telemetryHealth } from '../../shared/domain/telemetry/telemetry-health';
import type { FleetSimulator } from '../../infra/simulator/fleet-simulator';
import { commandKeyFromPem, generateCommandKeyPem } from '../../shared/vcp/command-key';
import { signTeslaJws } from '../../shared/vcp/tesla-jws';
import { simulatorWithClient, T0 } from '../support/sim-client';

/**
 * Configuring a car's streaming through the production client against the simulator, which checks the JWS with the
 * app's registered key as the Fleet API does.
 */
const CAR = '5YJ3E7EB0SF000051';
const UNPAIRED = '5YJ3E7EB0SF000052';
const FULL = '5YJ3E7EB0SF000053';
const RECEIVER = { hostname: 'telemetry.example.com', port: 443 };
const CONFIG = { ...RECEIVER, exp: T0 / 1000 + 365 * 86_400, fields: { Gear: { interval_seconds: 1 }, Odometer: { interval_seconds: 60 } } };

let running: FleetSimulator | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

async function setup() {
  const always = { periodMinutes: 60, segments: [] };
  const ctx = await simulatorWithClient({
    cars: [CAR, UNPAIRED, FULL].map((vin, i) => ({ vin, id: 51 + i, displayName: `T${i}`, profile: always })),
  });
  running = ctx.sim;
  const key = commandKeyFromPem(generateCommandKeyPem());
  ctx.sim.pairKey(key.publicKey, [CAR, FULL]);
  ctx.sim.telemetry.atLimit.add(FULL);
  return { ...ctx, key };
}

describe('a car’s streaming configuration, against the simulator', () => {
  it('is taken for paired cars, dropped silently at the car’s limit, skipped for a car without the key, and deleted', async () => {
    const { fleet, sim, key, clock } = await setup();
    const result = await fleet.createTelemetryConfig([CAR, UNPAIRED, FULL], signTeslaJws(key, CONFIG));
    expect(result).toEqual({ updatedVehicles: 2, skipped: [{ vin: UNPAIRED, reason: 'missing_key' }] });

    const status = await fleet.telemetryConfig(CAR);
    expect(status.config).toEqual(CONFIG);
    expect(telemetryHealth(CAR, status, await fleet.telemetryErrors(CAR), RECEIVER, clock.now()).problems.map((p) => p.code)).toEqual(
      status.synced ? [] : ['not_synced'],
    );

    // "Updated", yet the car kept nothing: only the configuration read afterwards tells.
    const full = await fleet.telemetryConfig(FULL);
    expect(full).toMatchObject({ config: null, limitReached: true });
    expect(telemetryHealth(FULL, full, [], RECEIVER, clock.now()).problems.map((p) => p.code)).toEqual(['limit_reached']);

    await expect(fleet.deleteTelemetryConfig(CAR)).resolves.toEqual({ updatedVehicles: 1 });
    expect((await fleet.telemetryConfig(CAR)).config).toBeNull();
    expect(sim.billing.total.data).toBe(6); // each call billed as data
  });

  it('refuses a configuration another key signed, keeping nothing', async () => {
    const { fleet, sim } = await setup();
    const stranger = commandKeyFromPem(generateCommandKeyPem());
    const error = await fleet.createTelemetryConfig([CAR], signTeslaJws(stranger, CONFIG)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetApiError);
    expect((error as FleetApiError).status).toBe(400);
    expect(sim.telemetry.configOf(CAR)).toBeNull();
  });
});

describe('configuring streaming from this system', () => {
  it('signs and sends the signal set, then tells each car’s state from what it reads back', async () => {
    const { fleet, key, clock } = await setup();
    const outcome = await configureStreaming(
      { telemetry: fleet, sign: (claims) => signTeslaJws(key, claims), now: () => clock.now() },
      [CAR, UNPAIRED, FULL],
      RECEIVER,
      DEFAULT_SIGNALS,
    );
    if (outcome.kind !== 'sent') throw new Error(outcome.kind);
    const byVin = new Map(outcome.cars.map((c) => [c.vin, c]));
    expect(
      byVin
        .get(CAR)!
        .problems.map((p) => p.code)
        .filter((c) => c !== 'not_synced'),
    ).toEqual([]);
    expect(byVin.get(UNPAIRED)).toMatchObject({ skipped: 'missing_key', ok: false });
    expect(byVin.get(UNPAIRED)!.problems.map((p) => p.code)).toEqual(['key_not_paired', 'not_configured']);
    expect(byVin.get(FULL)!.problems.map((p) => p.code)).toEqual(['limit_reached']);
    const held = (await fleet.telemetryConfig(CAR)).config!;
    expect(Object.keys(held.fields)).toEqual(DEFAULT_SIGNALS.map((s) => s.name));
    expect(held.exp * 1000 - clock.now()).toBeGreaterThan(360 * 86_400_000);
  });

  it('refuses a receiver the car cannot reach by name, before any request', async () => {
    const { sim, key, fleet, clock } = await setup();
    const before = sim.billing.total.data;
    for (const receiver of [
      { hostname: '10.0.0.5', port: 443 },
      { hostname: 'receiver', port: 443 },
      { hostname: 'telemetry.example.com', port: 70_000 },
    ]) {
      const outcome = await configureStreaming(
        { telemetry: fleet, sign: (c) => signTeslaJws(key, c), now: () => clock.now() },
        [CAR],
        receiver,
        DEFAULT_SIGNALS,
      );
      expect(outcome.kind).toBe('invalid_receiver');
    }
    expect(sim.billing.total.data).toBe(before);
  });
});
