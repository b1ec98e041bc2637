import { createECDH, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { leavesOutcomeUnknown } from '../../../shared/domain/fleet-errors';
import { commandKeyFromPem, generateCommandKeyPem } from '../../../shared/vcp/command-key';
import { DOMAIN, sessionInfoTag, sharedKey } from '../../../shared/vcp/crypto';
import { encodeSessionInfo, type SessionInfo } from '../../../shared/vcp/messages';
import { fieldReader, ProtoWriter, readFields } from '../../../shared/vcp/protobuf';
import {
  CommandKeyNotAcceptedError,
  FAULT,
  MemorySessionCache,
  SessionInfoRejectedError,
  SignedCommandClient,
} from '../../../shared/vcp/signed-command-client';

const VIN = '5YJ3E7EB0SF000021';
const NOW = Date.parse('2026-06-15T12:00:00Z');

/**
 * A scripted car for one domain: it holds a real key, so the session info it sends carries a valid tag for the
 * request it answers, whatever (good or bad) the script puts in it.
 */
function scriptedCar(script: Array<(uuid: Buffer) => Buffer>) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const key = commandKeyFromPem(generateCommandKeyPem());
  const epoch = randomBytes(16);
  const sent: Buffer[] = [];
  const info = (over: Partial<SessionInfo>): SessionInfo => ({
    counter: 10,
    publicKey: ecdh.getPublicKey(),
    epoch,
    clockTime: 1_000,
    status: 0,
    handle: undefined,
    ...over,
  });
  /** A reply carrying session info whose tag is valid for the request `uuid`, with an optional fault. */
  const reply = (uuid: Buffer, over: Partial<SessionInfo>, fault = 0, tag?: Buffer): Buffer => {
    const bytes = encodeSessionInfo(info(over));
    const realTag = sessionInfoTag(sharedKey(ecdh.getPrivateKey(), key.publicKey), VIN, uuid, bytes);
    const w = new ProtoWriter();
    if (fault !== 0) w.message(12, (s) => s.uint(1, 2).uint(2, fault));
    return w
      .bytes(15, bytes)
      .message(13, (sd) => sd.message(6, (t) => t.bytes(1, tag ?? realTag)))
      .bytes(50, uuid)
      .finish();
  };
  const transport = {
    signedCommand: (_vin: string, message: Buffer): Promise<Buffer> => {
      sent.push(message);
      const uuid = fieldReader(readFields(message)).bytes(51) ?? Buffer.alloc(16);
      const next = script.shift();
      if (!next) return Promise.reject(new Error('the script has no more answers'));
      return Promise.resolve(next(uuid));
    },
  };
  const sessions = new MemorySessionCache();
  const client = new SignedCommandClient({ key: () => Promise.resolve(key), sessions, clock: { now: () => NOW } });
  return { client, transport, sessions, reply, sent, epoch };
}

describe('session info is believed only once authenticated, and never backwards', () => {
  it('checks the tag before acting on the status: a forged "key not paired" is rejected as forged', async () => {
    const car = scriptedCar([]);
    car.transport.signedCommand = (_vin, message) => {
      const uuid = fieldReader(readFields(message)).bytes(51)!;
      return Promise.resolve(car.reply(uuid, { status: 1 }, 0, Buffer.alloc(32, 7)));
    };
    await expect(car.client.send(car.transport, VIN, 'auto_conditioning_start', {})).rejects.toBeInstanceOf(SessionInfoRejectedError);
  });

  it('an authentic "key not on the whitelist" still means the key is not paired', async () => {
    const car = scriptedCar([(uuid) => car.reply(uuid, { status: 1 })]);
    await expect(car.client.send(car.transport, VIN, 'auto_conditioning_start', {})).rejects.toBeInstanceOf(CommandKeyNotAcceptedError);
  });

  it('refuses resync info whose counter goes backwards within the epoch, and keeps its own counter', async () => {
    const car = scriptedCar([(uuid) => car.reply(uuid, { counter: 10 }), (uuid) => car.reply(uuid, { counter: 5, clockTime: 1_005 }, FAULT.invalidCounter)]);
    await expect(car.client.send(car.transport, VIN, 'auto_conditioning_start', {})).rejects.toThrow(/backwards/);
    expect((await car.sessions.get(VIN, DOMAIN.infotainment))?.counter).toBe(11); // the one it sent, not 5
  });

  it('refuses resync info whose clock goes backwards within the epoch', async () => {
    const car = scriptedCar([
      (uuid) => car.reply(uuid, { counter: 10, clockTime: 1_000 }),
      (uuid) => car.reply(uuid, { counter: 20, clockTime: 900 }, FAULT.timeExpired),
    ]);
    await expect(car.client.send(car.transport, VIN, 'auto_conditioning_start', {})).rejects.toThrow(/backwards/);
  });

  it('adopts resync info from a new epoch even with a lower counter (the car rebooted)', async () => {
    const newEpoch = randomBytes(16);
    const car = scriptedCar([
      (uuid) => car.reply(uuid, { counter: 10 }),
      (uuid) => car.reply(uuid, { counter: 1, clockTime: 5, epoch: newEpoch }, FAULT.incorrectEpoch),
      (uuid) => new ProtoWriter().bytes(50, uuid).finish(), // an empty answer: success
    ]);
    await expect(car.client.send(car.transport, VIN, 'auto_conditioning_start', {})).resolves.toEqual({ result: true, reason: '' });
    expect(await car.sessions.get(VIN, DOMAIN.infotainment)).toMatchObject({ epoch: newEpoch, counter: 2 });
  });

  it('stops at the counter’s maximum instead of wrapping around, and sends nothing', async () => {
    const car = scriptedCar([]);
    await car.sessions.put({
      vin: VIN,
      domain: DOMAIN.infotainment,
      vehiclePublicKey: Buffer.alloc(65, 4),
      epoch: car.epoch,
      counter: 0xffffffff,
      timeZero: 0,
      clockTime: 0,
    });
    const failure = await car.client.send(car.transport, VIN, 'auto_conditioning_start', {}).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SessionInfoRejectedError);
    expect(leavesOutcomeUnknown(failure)).toBe(false);
    expect(car.sent).toEqual([]);
  });

  it('a garbled answer to a signed command leaves its outcome unknown', async () => {
    const car = scriptedCar([(uuid) => car.reply(uuid, { counter: 10 }), () => Buffer.from('<html>502 Bad Gateway</html>')]);
    const failure = await car.client.send(car.transport, VIN, 'auto_conditioning_start', {}).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(leavesOutcomeUnknown(failure)).toBe(true);
  });
});
