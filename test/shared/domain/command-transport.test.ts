import { describe, expect, it } from '@jest/globals';
import { executeCommand, type SignedSender } from '../../../shared/domain/commands/execute-command';
import type { CommandResult } from '../../../shared/domain/fleet-api';
import {
  CommandKeyNotPairedError,
  CommandSigningRequiredError,
  RateLimitedError,
  SignedCommandsUnsupportedError,
  UnexpectedFleetResponseError,
  VehicleUnavailableError,
} from '../../../shared/domain/fleet-errors';
import { FakeFleetApi } from '../../support/fake-fleet-api';
import { MemoryCommandStores } from '../../support/memory-command-stores';

const VIN = '5YJ3E7EB0SF000031';
const NOW = Date.parse('2026-11-23T08:00:00Z');

/** A signer that records what it was asked to send and answers as scripted. */
class FakeSigner implements SignedSender {
  readonly sent: string[] = [];
  answer: () => CommandResult = () => ({ result: true, reason: '' });
  constructor(private readonly hasKey = true) {}
  canSign(): Promise<boolean> {
    return Promise.resolve(this.hasKey);
  }
  async send(_fleet: unknown, _vin: string, command: string): Promise<CommandResult> {
    this.sent.push(command);
    await Promise.resolve();
    return this.answer();
  }
}

function setup(options: { key?: boolean } = {}) {
  const fleet = new FakeFleetApi();
  fleet.vehicles = [{ vin: VIN, displayName: null, state: 'online' }];
  const stores = new MemoryCommandStores();
  const signer = new FakeSigner(options.key ?? true);
  const deps = { fleet, signed: signer, signing: stores, rateLimits: stores, clock: { now: () => NOW }, sleep: () => Promise.resolve() };
  const run = (command = 'door_lock') => executeCommand(deps, { vin: VIN, command, body: {}, deadline: NOW + 25_000 });
  const methods = () => fleet.calls.map((c) => c.method);
  return { fleet, stores, signer, run, methods };
}

describe('transport per car', () => {
  it('asks fleet_status once for a car that needs signing, signs, and remembers', async () => {
    const { fleet, stores, signer, run, methods } = setup();
    fleet.signingInfo = () => ({ protocolRequired: true, keyPaired: true });
    await expect(run()).resolves.toMatchObject({ outcome: 'done', transport: 'signed' });
    await expect(run('honk_horn')).resolves.toMatchObject({ transport: 'signed' });
    expect(methods().filter((m) => m === 'fleetStatus')).toHaveLength(1);
    expect(methods()).not.toContain('sendCommand');
    expect(signer.sent).toEqual(['door_lock', 'honk_horn']);
    expect(stores.signing.get(VIN)).toMatchObject({ required: true, source: 'fleet_status' });
  });

  it('says "pair the key" before any wake or signed attempt when fleet_status says the key is not paired, and asks again next time', async () => {
    const { fleet, stores, signer, run, methods } = setup();
    fleet.vehicles = [{ vin: VIN, displayName: null, state: 'asleep' }];
    fleet.signingInfo = () => ({ protocolRequired: true, keyPaired: false });
    await expect(run()).rejects.toBeInstanceOf(CommandKeyNotPairedError);
    expect(methods()).toEqual(['fleetStatus']);
    expect(signer.sent).toEqual([]);
    expect(await stores.getSigningStatus(VIN)).toBeNull();
    fleet.signingInfo = () => ({ protocolRequired: true, keyPaired: true }); // the owner paired it
    fleet.vehicles = [{ vin: VIN, displayName: null, state: 'online' }];
    await expect(run()).resolves.toMatchObject({ transport: 'signed' });
  });

  it('sends REST to a car fleet_status says does not need signing', async () => {
    const { fleet, signer, run, methods } = setup();
    fleet.signingInfo = () => ({ protocolRequired: false, keyPaired: null });
    await expect(run()).resolves.toMatchObject({ transport: 'rest' });
    expect(methods()).toEqual(['fleetStatus', 'getVehicle', 'sendCommand']);
    expect(signer.sent).toEqual([]);
  });

  it('tries signed when Tesla cannot say, and keeps REST after the car answers 422', async () => {
    const { fleet, stores, signer, run, methods } = setup();
    fleet.signingInfo = () => {
      throw new UnexpectedFleetResponseError('Fleet API answered 404', 404);
    };
    signer.answer = () => {
      throw new SignedCommandsUnsupportedError(VIN);
    };
    await expect(run()).resolves.toMatchObject({ outcome: 'done', transport: 'rest' });
    expect(stores.signing.get(VIN)).toMatchObject({ required: false, source: 'command_answer' });
    await expect(run()).resolves.toMatchObject({ transport: 'rest' });
    expect(signer.sent).toHaveLength(1);
    expect(methods().filter((m) => m === 'fleetStatus')).toHaveLength(1);
  });

  it('switches to signed when a car believed REST answers "Vehicle Command Protocol required"', async () => {
    const { fleet, stores, signer, run } = setup();
    stores.signing.set(VIN, { required: false, source: 'fleet_status', checkedAt: NOW - 86_400_000 });
    fleet.commandResult = () => {
      throw new CommandSigningRequiredError(VIN);
    };
    await expect(run()).resolves.toMatchObject({ outcome: 'done', transport: 'signed' });
    expect(signer.sent).toEqual(['door_lock']);
    expect(stores.signing.get(VIN)).toMatchObject({ required: true, source: 'command_answer' });
  });

  it('without a key, learns from the 403 and then refuses before waking or calling Tesla', async () => {
    const { fleet, run } = setup({ key: false });
    fleet.commandResult = () => {
      throw new CommandSigningRequiredError(VIN);
    };
    await expect(run()).rejects.toBeInstanceOf(CommandSigningRequiredError);
    const before = fleet.calls.length;
    fleet.vehicles = [{ vin: VIN, displayName: null, state: 'asleep' }];
    await expect(run()).rejects.toBeInstanceOf(CommandSigningRequiredError);
    expect(fleet.calls.length).toBe(before);
  });

  it('stops on a rate limit from fleet_status without sending anything', async () => {
    const { fleet, signer, run, methods } = setup();
    fleet.signingInfo = () => {
      throw new RateLimitedError(60);
    };
    await expect(run()).rejects.toBeInstanceOf(RateLimitedError);
    expect(methods()).toEqual(['fleetStatus']);
    expect(signer.sent).toEqual([]);
  });

  it('wakes the car and signs again when the signed command finds it asleep (408, or 503 from signed_command)', async () => {
    const { fleet, signer, run, methods } = setup();
    fleet.signingInfo = () => ({ protocolRequired: true, keyPaired: true });
    let asleep = true;
    signer.answer = () => {
      if (asleep) {
        asleep = false;
        throw new VehicleUnavailableError(VIN, 503);
      }
      return { result: true, reason: '' };
    };
    await expect(run()).resolves.toMatchObject({ outcome: 'done', transport: 'signed' });
    expect(signer.sent).toEqual(['door_lock', 'door_lock']);
    expect(methods()).toEqual(['fleetStatus', 'getVehicle', 'getVehicle']); // online again before the second send
  });
});
