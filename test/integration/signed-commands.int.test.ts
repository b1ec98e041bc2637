import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { startLocalHost, type LocalHost } from '../../infra/local/local-host';
import type { FleetSimulator } from '../../infra/simulator/fleet-simulator';
import { SimClock } from '../../infra/simulator/sim-clock';
import { parseLocalSettings } from '../../shared/config/local-settings';
import { CommandOutcomeUnknownError } from '../../shared/domain/fleet-errors';
import { errorToResponse } from '../../shared/http/error-mapping';
import { FileCommandKeyStore } from '../../shared/secrets/command-key-stores';
import { commandKeyFromPem, generateCommandKeyPem, type CommandKey } from '../../shared/vcp/command-key';
import { DOMAIN } from '../../shared/vcp/crypto';
import { decodeRoutableReply } from '../../shared/vcp/messages';
import { encodeCarServerResponse } from '../../shared/vcp/payloads';
import {
  CommandKeyNotAcceptedError,
  FAULT,
  MemorySessionCache,
  SignedCommandClient,
  SignedCommandFaultError,
  type SignedCommandTransport,
} from '../../shared/vcp/signed-command-client';
import { simulatorWithClient, T0 } from '../support/sim-client';

const VIN = '5YJ3E7EB0SF000021';
let sim: FleetSimulator | null = null;
let host: LocalHost | null = null;
afterEach(async () => {
  await sim?.stop();
  await host?.stop();
  sim = null;
  host = null;
});

/** A transport that records what it sends, and can hold, alter or replay a message. */
class RecordingTransport implements SignedCommandTransport {
  readonly sent: Buffer[] = [];
  readonly replies: Buffer[] = [];
  /** Changes the car's next reply on its way back. */
  alterNextReply: ((reply: Buffer) => Buffer) | null = null;
  constructor(private readonly inner: SignedCommandTransport) {}
  async signedCommand(vin: string, message: Buffer): Promise<Buffer> {
    this.sent.push(message);
    let reply = await this.inner.signedCommand(vin, message);
    if (this.alterNextReply) [reply, this.alterNextReply] = [this.alterNextReply(reply), null];
    this.replies.push(reply);
    return reply;
  }
}

async function setup(options: { pair?: boolean } = {}) {
  const ctx = await simulatorWithClient({ cars: [{ vin: VIN, id: 21, displayName: 'Signed', requiresSigning: true }] });
  sim = ctx.sim;
  const key: CommandKey = commandKeyFromPem(generateCommandKeyPem());
  if (options.pair !== false) ctx.sim.pairKey(key.publicKey);
  const transport = new RecordingTransport(ctx.fleet);
  const sessions = new MemorySessionCache();
  const signer = new SignedCommandClient({ key: () => Promise.resolve(key), sessions, clock: ctx.clock });
  const client = { send: (vin: string, command: string, body: Record<string, unknown>) => signer.send(transport, vin, command, body) };
  return { ...ctx, key, sessions, transport, client };
}

describe('signed commands against the simulator', () => {
  it('locks and unlocks through VCSEC, and a warm session takes one round trip', async () => {
    const { client, transport, sim: s } = await setup();
    await expect(client.send(VIN, 'door_unlock', {})).resolves.toEqual({ result: true, reason: '' });
    expect(s.car(VIN).locked).toBe(false);
    expect(transport.sent).toHaveLength(2); // handshake + command
    await expect(client.send(VIN, 'door_lock', {})).resolves.toEqual({ result: true, reason: '' });
    expect(s.car(VIN).locked).toBe(true);
    expect(transport.sent).toHaveLength(3);
  });

  it('runs climate and charge-limit commands through Infotainment, with the car’s own answer', async () => {
    const { client, sim: s } = await setup();
    await expect(client.send(VIN, 'auto_conditioning_start', {})).resolves.toEqual({ result: true, reason: '' });
    expect(s.car(VIN).climateOn).toBe(true);
    await expect(client.send(VIN, 'set_charge_limit', { percent: 90 })).resolves.toEqual({ result: true, reason: '' });
    expect(s.car(VIN).chargeLimit).toBe(90);
    await expect(client.send(VIN, 'set_charge_limit', { percent: 90 })).resolves.toEqual({ result: false, reason: 'already_set' });
  });

  it('asks for encrypted answers, reads them, and reports a tampered one as an unknown outcome', async () => {
    const { client, transport, sim: s } = await setup();
    await expect(client.send(VIN, 'set_charge_limit', { percent: 90 })).resolves.toEqual({ result: true, reason: '' });
    await expect(client.send(VIN, 'set_charge_limit', { percent: 90 })).resolves.toEqual({ result: false, reason: 'already_set' });
    const sealed = decodeRoutableReply(transport.replies.at(-1)!);
    expect(sealed.responseEncryption).toBeDefined();
    expect(sealed.payload).not.toEqual(encodeCarServerResponse(false, 'already_set')); // ciphertext on the wire, not the answer

    transport.alterNextReply = (reply) => {
      const altered = Buffer.from(reply);
      const at = altered.indexOf(decodeRoutableReply(reply).payload!);
      altered[at] = altered[at]! ^ 0x01; // one bit of the encrypted answer flipped
      return altered;
    };
    await expect(client.send(VIN, 'set_charge_limit', { percent: 80 })).rejects.toBeInstanceOf(CommandOutcomeUnknownError);
    expect(s.car(VIN).chargeLimit).toBe(80); // the car did run it: only its answer was spoilt
  });

  it.each([['echo'], ['zero']] as Array<['echo' | 'zero']>)('reads an encrypted answer authenticated with the reply’s own flags (%s)', async (mode) => {
    const { client, transport, sim: s } = await setup();
    s.signed.get(VIN)!.responseFlags = mode;
    await expect(client.send(VIN, 'set_charge_limit', { percent: 90 })).resolves.toEqual({ result: true, reason: '' });
    const reply = decodeRoutableReply(transport.replies.at(-1)!);
    expect(reply.responseEncryption).toBeDefined();
    expect(reply.flags).toBe(mode === 'echo' ? 2 : 0);
    await expect(client.send(VIN, 'set_charge_limit', { percent: 90 })).resolves.toEqual({ result: false, reason: 'already_set' });
  });

  it('refuses a key the owner never paired', async () => {
    const { client } = await setup({ pair: false });
    await expect(client.send(VIN, 'door_lock', {})).rejects.toBeInstanceOf(CommandKeyNotAcceptedError);
  });

  it('rejects a replayed, an expired and a tampered message with the protocol’s faults', async () => {
    const { client, transport, fleet, clock, key, sessions } = await setup();
    await client.send(VIN, 'door_lock', {});
    const signedLock = transport.sent.at(-1)!;
    expect(decodeRoutableReply(await fleet.signedCommand(VIN, signedLock)).fault).toBe(FAULT.invalidCounter); // replay

    await client.send(VIN, 'door_unlock', {});
    const tampered = Buffer.from(transport.sent.at(-1)!);
    const at = tampered.indexOf(Buffer.from([0x52, 0x02, 0x10, 0x00])); // payload field: RKE unlock
    tampered[at + 3] = 0x01; // … turned into lock
    expect(decodeRoutableReply(await fleet.signedCommand(VIN, tampered)).fault).toBe(FAULT.invalidSignature);

    // Held back past its expiry: build a fresh message, then deliver it 30 s later.
    let held: Buffer | null = null;
    const holding = new SignedCommandClient({ key: () => Promise.resolve(key), sessions, clock });
    await holding.send({ signedCommand: (_vin, m) => ((held = m), Promise.resolve(Buffer.alloc(0))) }, VIN, 'door_lock', {});
    clock.advance(30_000);
    const reply = decodeRoutableReply(await fleet.signedCommand(VIN, held!));
    expect(reply.fault).toBe(FAULT.timeExpired);
    expect(reply.sessionInfo).toBeDefined(); // fresh session info comes with it, to resynchronise
  });

  it('recovers when the car starts a new epoch: adopts the attached session info and re-signs once', async () => {
    const { client, transport, sim: s } = await setup();
    await client.send(VIN, 'auto_conditioning_start', {});
    s.signed.get(VIN)!.newEpoch(DOMAIN.infotainment);
    const before = transport.sent.length;
    await expect(client.send(VIN, 'auto_conditioning_stop', {})).resolves.toEqual({ result: true, reason: '' });
    expect(transport.sent.length - before).toBe(2); // refused (stale epoch) + re-signed
    expect(s.car(VIN).climateOn).toBe(false);
  });
});

describe('faults a car reports after verifying the command', () => {
  it('BUSY and REMOTE_ACCESS_DISABLED are refusals; TIMEOUT means the command may have run, so it is not resent', async () => {
    const { client, transport, sim: s } = await setup();
    await client.send(VIN, 'door_lock', {}); // handshake done
    const signed = s.signed.get(VIN)!;

    signed.failNext(FAULT.busy);
    const busy = await client.send(VIN, 'door_unlock', {}).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(SignedCommandFaultError);
    expect(errorToResponse(busy).response).toMatchObject({ statusCode: 503, headers: { 'retry-after': '5' } });
    expect(s.car(VIN).locked).toBe(true);

    signed.failNext(FAULT.remoteAccessDisabled);
    const disabled = await client.send(VIN, 'door_unlock', {}).catch((e: unknown) => e);
    expect(errorToResponse(disabled).response.statusCode).toBe(403);
    expect(errorToResponse(disabled).response.body).toMatch(/remote_access_disabled.*Allow Mobile Access/);

    signed.failNext(FAULT.timeout, true);
    const before = transport.sent.length;
    await expect(client.send(VIN, 'door_unlock', {})).rejects.toBeInstanceOf(CommandOutcomeUnknownError);
    expect(transport.sent.length - before).toBe(1); // sent once, not re-signed
    expect(s.car(VIN).locked).toBe(false); // …and the car did run it
  });
});

const OLD_X = '5YJXCAE21JF230098';

describe('the command API picks the transport per car', () => {
  it('signs for a car that needs it, sends REST to one that does not, learns from a 422, and never shows the private key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signed-'));
    const pem = generateCommandKeyPem();
    await new FileCommandKeyStore(join(dir, 'vehicle-command-key.pem')).writePem(pem);
    const logged: string[] = [];
    const capture = (message: string, extra?: object): void => void logged.push(`${message} ${JSON.stringify(extra ?? {})}`);
    host = await startLocalHost(parseLocalSettings({ DATA_DIR: dir, PORT: '0' }, process.cwd()), {
      schedule: false,
      log: { info: capture, warn: capture, error: capture },
      simulator: {
        clock: new SimClock(T0, 0),
        cars: [
          { vin: VIN, id: 21, displayName: 'New', requiresSigning: true },
          { vin: '5YJSA7E21JF230099', id: 22, displayName: 'Old S', supportsSigning: false },
          { vin: OLD_X, id: 23, displayName: 'Old X', supportsSigning: false, inFleetStatus: false },
        ],
      },
    });
    const post = async (vin: string, command: string, body?: object) => {
      const res = await fetch(`${host!.url}/vehicles/${vin}/commands/${command}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${host!.apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
      return { status: res.status, text: await res.text() };
    };
    const bodies: string[] = [];
    // Not paired yet: said before any wake or signed attempt.
    const unpaired = await post(VIN, 'door_lock');
    expect({ status: unpaired.status, code: JSON.parse(unpaired.text).error.code }).toEqual({ status: 403, code: 'command_key_not_paired' });
    expect(host.simulator!.billing.byVehicle.get(VIN)?.wake ?? 0).toBe(0);
    // The owner pairs the key on the simulator's tesla.com/_ak/<domain> page, which fetches it from the API's domain;
    // the answer names that very page, and says the same again when the car itself refuses the unknown key.
    const pairPage = `${host.simulator!.baseUrl}/_ak/${new URL(host.url).host}`;
    expect(JSON.parse(unpaired.text).error.message).toContain(pairPage);
    const again = await post(VIN, 'flash_lights');
    expect({ status: again.status, code: JSON.parse(again.text).error.code }).toEqual({ status: 403, code: 'command_key_not_paired' });
    expect(JSON.parse(again.text).error.message).toContain(pairPage);
    expect(await (await fetch(pairPage)).text()).toContain('Add a virtual key');
    const paired = await fetch(pairPage, { method: 'POST', body: new URLSearchParams([['vin', VIN]]) });
    expect(paired.status).toBe(200);
    expect(await paired.text()).toContain('was added to New');
    const signedLock = await post(VIN, 'door_lock');
    bodies.push(signedLock.text);
    expect(signedLock.status).toBe(200);
    expect(JSON.parse(signedLock.text)).toMatchObject({ outcome: 'done', transport: 'signed' });
    // Commands beyond the reference's examples go signed too, parameters intact.
    for (const [command, body] of [
      ['honk_horn', {}],
      ['set_temps', { driver_temp: 22.5, passenger_temp: 20 }],
      ['set_sentry_mode', { on: true }],
    ] as const) {
      const res = await post(VIN, command, body);
      bodies.push(res.text);
      expect({ command, ...JSON.parse(res.text) }).toMatchObject({ command, outcome: 'done', transport: 'signed' });
    }
    expect(host.simulator!.car(VIN)).toMatchObject({ driverTemp: 22.5, passengerTemp: 20, sentryMode: true });
    const rest = await post('5YJSA7E21JF230099', 'set_charge_limit', { percent: 85 });
    bodies.push(rest.text);
    expect(JSON.parse(rest.text)).toMatchObject({ outcome: 'done', transport: 'rest' });
    expect(host.simulator!.car('5YJSA7E21JF230099').chargeLimit).toBe(85);
    // A car fleet_status says nothing of is tried signed; its 422 is remembered, so the next command goes straight to REST.
    for (const percent of [70, 75])
      expect(JSON.parse((await post(OLD_X, 'set_charge_limit', { percent })).text)).toMatchObject({ outcome: 'done', transport: 'rest' });
    expect(host.simulator!.car(OLD_X).chargeLimit).toBe(75);
    expect(host.simulator!.billing.byVehicle.get(OLD_X)?.command).toBe(3); // the 422 (billed) + two REST commands

    const audit = await fetch(`${host.url}/vehicles/${VIN}/commands`, { headers: { authorization: `Bearer ${host.apiToken}` } });
    const auditText = await audit.text();
    bodies.push(auditText);
    // The simulated clock stands still here, so all share one millisecond: the log still lists newest first.
    const logged4 = (JSON.parse(auditText) as { commands: { command: string; transport: string }[] }).commands;
    expect(logged4.map((c) => [c.command, c.transport])).toEqual([
      ['set_sentry_mode', 'signed'],
      ['set_temps', 'signed'],
      ['honk_horn', 'signed'],
      ['door_lock', 'signed'],
      ['flash_lights', null], // refused before sending, again: still not paired
      ['door_lock', null], // refused before sending: the key was not paired yet
    ]);

    const secret = pem
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join('');
    expect(logged.length).toBeGreaterThan(0); // the commands were logged…
    for (const body of [...bodies, logged.join('\n')]) {
      expect(body).not.toContain(secret.slice(10, 50));
      expect(body).not.toContain('PRIVATE KEY');
    }
  });
});
