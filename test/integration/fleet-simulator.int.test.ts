import { afterEach, describe, expect, it } from '@jest/globals';
import { HOUR_MS, MINUTE_MS } from '../../shared/domain/clock';
import { LoginRequiredError, RateLimitedError, VehicleUnavailableError } from '../../shared/domain/fleet-errors';
import { meteredFleetApi, RequestMeter } from '../../shared/domain/request-meter';
import { UndiciOAuthClient } from '../../shared/tesla/undici-oauth-client';
import { DEFAULT_SIM_VIN, SIM_CLIENT_ID, type FleetSimulator } from '../../infra/simulator/fleet-simulator';
import { commandKeyFromPem, generateCommandKeyPem } from '../../shared/vcp/command-key';
import { simulatorWithClient } from '../support/sim-client';

const VIN = DEFAULT_SIM_VIN;
let running: FleetSimulator | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

async function setup(...args: Parameters<typeof simulatorWithClient>) {
  const ctx = await simulatorWithClient(...args);
  running = ctx.sim;
  return ctx;
}

describe('Fleet client against the simulator', () => {
  it('reads a driving car, which then falls asleep 15 minutes after parking and answers 408', async () => {
    const { fleet, clock } = await setup();
    const driving = (await fleet.getVehicleData(VIN, { includeLocation: false })) as {
      vehicle_state: { odometer: number };
      drive_state: { shift_state: string };
    };
    expect(driving.drive_state.shift_state).toBe('D');
    clock.advance(12 * MINUTE_MS + 15 * MINUTE_MS); // the demo drive lasts 12 minutes
    expect((await fleet.getVehicle(VIN)).state).toBe('asleep');
    await expect(fleet.getVehicleData(VIN, { includeLocation: false })).rejects.toBeInstanceOf(VehicleUnavailableError);
  });

  it('wakes a sleeping car in the configured time', async () => {
    const { fleet, clock, sim } = await setup({
      cars: [{ vin: VIN, id: 7, displayName: 'W', wakeDelayMs: 25_000, profile: { periodMinutes: 60, segments: [] } }],
    });
    clock.advance(16 * MINUTE_MS);
    expect((await fleet.wakeUp(VIN)).state).toBe('asleep');
    clock.advance(24_000);
    expect((await fleet.getVehicle(VIN)).state).toBe('asleep');
    clock.advance(1_000);
    expect((await fleet.getVehicle(VIN)).state).toBe('online');
    expect(sim.billing.total.wake).toBe(1);
  });

  it('rate-limits the 61st data request in a minute with Retry-After, and bills it', async () => {
    const { fleet, sim } = await setup();
    for (let i = 0; i < 60; i++) await fleet.getVehicleData(VIN, { includeLocation: false });
    const error = await fleet.getVehicleData(VIN, { includeLocation: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
    expect(sim.billing.total.data).toBe(61);
  });

  it('moves to the account region after a 421 and reports it', async () => {
    const { fleet, sim, regionChanges } = await setup({ accountRegion: 'na', regions: ['eu'] }, (s) => s.urlFor('eu'));
    await expect(fleet.listVehicles()).resolves.toHaveLength(1);
    expect(fleet.currentBaseUrl).toBe(sim.baseUrl);
    expect(regionChanges).toEqual([sim.baseUrl]);
  });

  it('renews an expired access token with exactly one refresh for 20 concurrent callers', async () => {
    const { fleet, clock, sim, store, login } = await setup();
    clock.advance(8 * HOUR_MS + MINUTE_MS);
    const results = await Promise.all(Array.from({ length: 20 }, () => fleet.getVehicle(VIN)));
    expect(results.every((r) => r.vin === VIN)).toBe(true);
    expect(sim.oauth.refreshCount).toBe(1);
    const stored = await store.read();
    expect(stored?.refreshToken).not.toBe(login.refresh_token); // the rotated token was saved
  });

  it('recovers from a refresh whose answer was lost (within 24 h), and fails clearly after that', async () => {
    const { sim, clock, login } = await setup();
    const oauth = new UndiciOAuthClient({ authUrl: sim.baseUrl });
    await oauth.refresh({ clientId: SIM_CLIENT_ID, refreshToken: login.refresh_token }); // "lost"
    clock.advance(23 * HOUR_MS);
    await expect(oauth.refresh({ clientId: SIM_CLIENT_ID, refreshToken: login.refresh_token })).resolves.toMatchObject({ expiresInSeconds: 28800 });
    clock.advance(2 * HOUR_MS);
    const error = await oauth.refresh({ clientId: SIM_CLIENT_ID, refreshToken: login.refresh_token }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginRequiredError);
    expect((error as Error).message).not.toContain(login.refresh_token);
  });

  it('counts the same billable requests as the simulator bills', async () => {
    const { fleet, sim, clock } = await setup();
    const meter = new RequestMeter();
    const metered = meteredFleetApi(fleet, meter);
    await metered.listVehicles();
    await metered.getVehicleData(VIN, { includeLocation: false });
    await metered.sendCommand(VIN, 'door_lock', {});
    clock.advance(30 * MINUTE_MS); // parked since minute 12, asleep since 27
    await expect(metered.getVehicleData(VIN, { includeLocation: false })).rejects.toBeInstanceOf(VehicleUnavailableError); // billed all the same
    expect(meter.counts).toEqual(sim.billing.total);
    expect(meter.counts).toEqual({ free: 1, data: 2, command: 1, wake: 0, history: 0 });
  });

  it('says through fleet_status which cars need signing and have the app key paired', async () => {
    const NEW = '5YJ3E7EB0SF000041';
    const OLD = '5YJSA7E21JF230041';
    const { fleet, sim } = await setup({
      cars: [
        { vin: NEW, id: 41, displayName: 'New', requiresSigning: true },
        { vin: OLD, id: 42, displayName: 'Old', supportsSigning: false },
      ],
    });
    sim.pairKey(commandKeyFromPem(generateCommandKeyPem()).publicKey, [NEW]);
    const status = await fleet.fleetStatus([NEW, OLD]);
    expect(status.get(NEW)).toEqual({ protocolRequired: true, keyPaired: true });
    expect(status.get(OLD)).toEqual({ protocolRequired: false, keyPaired: false });
  });
});
