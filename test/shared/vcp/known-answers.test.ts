import { createECDH, createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  aesGcmOpen,
  aesGcmPersonalized,
  commandMetadata,
  DOMAIN,
  FLAG_ENCRYPT_RESPONSE,
  hmacPersonalizedTag,
  metadata,
  openResponse,
  requestHash,
  responseMetadata,
  sealResponse,
  sessionInfoTag,
  sharedKey,
  SIGNATURE_TYPE,
  subkey,
  uint32BE,
  verifySessionInfoTag,
} from '../../../shared/vcp/crypto';
import { decodeRoutableReply, decodeSessionInfo, encodeSessionInfo, sessionInfoRequest, signedCommandMessage } from '../../../shared/vcp/messages';
import { COMMAND_NAMES } from '../../../shared/domain/commands/catalogue';
import { decodeSignedPayload, signedPayload } from '../../../shared/vcp/payloads';
import { readFields } from '../../../shared/vcp/protobuf';

/** Vectors from the Vehicle Command Protocol reference (../shared/reference/vehicle-command-protocol.md §5). */
const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const v = hex('344ee5b466a7cf1eeb12b6f50331db2e5ec5834ef5f4befcfd8cbe55c2528d70');
const V = hex('04c7a1f47138486aa4729971494878d33b1a24e39571f748a6e16c5955b3d877d3a6aaa0e955166474af5d32c410f439a2234137ad1bb085fd4e8813c958f11d97');
const c = hex('2538cdc29a97c19c1e99a637d6cf4f8c970c118b56ede1e6323e6d162c4b30db');
const C = hex('04b2b6bc68c2da0665ce656815594996c62394edd8bea905fe781a754fe6a845a714330902f225e9269d466e05b349981fda9d85cc23c6fb444aa73b629105dc6e');
const K = hex('1b2fce19967b79db696f909cff89ea9a');
const VIN = '5YJ30123456789ABC';
const UUID = hex('1588d5a30eabc6f8fc9a951b11f6fd11');
const EPOCH = hex('4c463f9cc0d3d26906e982ed224adde6');
const SESSION_INFO = Buffer.concat([hex('08061241'), V, hex('1a10'), EPOCH, hex('255a0a0000')]);

describe('key agreement and subkeys (protocol.md vectors)', () => {
  it('derives the public keys from the private ones', () => {
    const e = createECDH('prime256v1');
    e.setPrivateKey(c);
    expect(e.getPublicKey()).toEqual(C);
    e.setPrivateKey(v);
    expect(e.getPublicKey()).toEqual(V);
  });

  it('agrees on K from either side', () => {
    expect(sharedKey(c, V)).toEqual(K);
    expect(sharedKey(v, C)).toEqual(K);
  });

  it('keeps the leading zero of a shared secret (Go ecdh_test.go)', () => {
    const e = createECDH('prime256v1');
    e.setPrivateKey(hex('5260f8d6113875d86f8ee8fea340df1ffb40c658b5455e8c33d797c53a41afd3'));
    const x = e.computeSecret(
      hex('0407fb60b65b94e0de4a954c53be10003d9e69918dedfda5f4e9efb9ebd8c5bd672a53991c4068865d5fb44f97f6cecf8398f261dd1d7bc69be676afdc8ffacbcc'),
    );
    expect(x.toString('hex')).toBe('0072d5b815207a04f0c795fba0ba9e8add3f1f57148c51fface22ca15e6fd845');
  });

  it('derives the session-info subkey', () => {
    expect(subkey(K, 'session info').toString('hex')).toBe('fceb679ee7bca756fcd441bf238bf2f338629b41d9eb9c67be1b32c9672ce300');
  });
});

describe('session info', () => {
  it('decodes the published session info', () => {
    expect(decodeSessionInfo(SESSION_INFO)).toEqual({ counter: 6, publicKey: V, epoch: EPOCH, clockTime: 2650, status: 0, handle: undefined });
    expect(encodeSessionInfo(decodeSessionInfo(SESSION_INFO))).toEqual(SESSION_INFO);
  });

  it('computes and verifies the published tag, and rejects any change', () => {
    expect(
      metadata([
        [0, Buffer.from([6])],
        [2, Buffer.from(VIN)],
        [6, UUID],
      ]).toString('hex'),
    ).toBe('000106021135594a333031323334353637383941424306101588d5a30eabc6f8fc9a951b11f6fd11ff');
    const tag = hex('996c1fe38331be138f8039c194b14db2198846ed7d8251e6749284d7b32ea002');
    expect(sessionInfoTag(K, VIN, UUID, SESSION_INFO)).toEqual(tag);
    expect(verifySessionInfoTag(K, VIN, UUID, SESSION_INFO, tag)).toBe(true);
    const tampered = Buffer.from(SESSION_INFO);
    tampered[1] = 7; // counter 6 → 7
    expect(verifySessionInfoTag(K, VIN, UUID, tampered, tag)).toBe(false);
    expect(verifySessionInfoTag(K, VIN, hex('00'.repeat(16)), SESSION_INFO, tag)).toBe(false);
    expect(verifySessionInfoTag(K, '5YJ30123456789ABD', UUID, SESSION_INFO, tag)).toBe(false);
  });
});

describe('command metadata and signing', () => {
  const meta = commandMetadata({
    signatureType: SIGNATURE_TYPE.aesGcmPersonalized,
    domain: DOMAIN.infotainment,
    vin: VIN,
    epoch: EPOCH,
    expiresAt: 2655,
    counter: 7,
    flags: 0,
  });

  it('serialises metadata as published (flags left out when zero)', () => {
    expect(meta.toString('hex')).toBe('000105010103021135594a333031323334353637383941424303104c463f9cc0d3d26906e982ed224adde6040400000a5f050400000007ff');
    expect(createHash('sha256').update(meta).digest('hex')).toBe('c33b227adc93c60b7a5738237e678e6996987ab316b4a5fff737cf86cb07764f');
  });

  it('matches the Go checksum test (metadata_test.go)', () => {
    const m = metadata([
      [0, Buffer.from([5])],
      [1, Buffer.from([2])],
      [2, Buffer.from('testVIN')],
      [3, hex('aada928a4f215f55f9e6e45e66b6521e')],
      [4, uint32BE(0x0e74)],
      [5, uint32BE(0x053a)],
    ]);
    expect(createHash('sha256').update(m).digest('hex')).toBe('abab04d804499813382efd74a06791ce2de777439603246dfbaa8392ca05868e');
  });

  it('reproduces the published AES-GCM example and opens it again', () => {
    const nonce = hex('dbf79447fa156674dae1caed');
    const sealed = aesGcmPersonalized(K, meta, nonce, hex('120452020801'));
    expect(sealed.ciphertext.toString('hex')).toBe('38038e8c0f2e');
    expect(sealed.tag.toString('hex')).toBe('8e128da165f162f4d7d2c8da866cf82a');
    expect(aesGcmOpen(K, createHash('sha256').update(meta).digest(), nonce, sealed.ciphertext, sealed.tag).toString('hex')).toBe('120452020801');
  });

  it('signs HMAC_PERSONALIZED over metadata then payload; any change changes the tag', () => {
    const m = commandMetadata({
      signatureType: SIGNATURE_TYPE.hmacPersonalized,
      domain: DOMAIN.infotainment,
      vin: VIN,
      epoch: EPOCH,
      expiresAt: 2660,
      counter: 8,
      flags: 0,
    });
    const tag = hmacPersonalizedTag(K, m, hex('120452020801'));
    expect(tag).toHaveLength(32);
    expect(hmacPersonalizedTag(K, m, hex('12025200'))).not.toEqual(tag);
    const later = commandMetadata({
      signatureType: SIGNATURE_TYPE.hmacPersonalized,
      domain: DOMAIN.infotainment,
      vin: VIN,
      epoch: EPOCH,
      expiresAt: 2660,
      counter: 9,
      flags: 0,
    });
    expect(hmacPersonalizedTag(K, later, hex('120452020801'))).not.toEqual(tag);
  });
});

describe('payloads (hand-encoded in the reference)', () => {
  it.each([
    ['auto_conditioning_start', {}, 3, '120452020801'],
    ['auto_conditioning_stop', {}, 3, '12025200'],
    ['charge_start', {}, 3, '120432021200'],
    ['charge_stop', {}, 3, '120432022a00'],
    ['set_charge_limit', { percent: 80 }, 3, '12042a020850'],
    ['door_lock', {}, 2, '1001'],
    ['door_unlock', {}, 2, '1000'],
    ['actuate_trunk', { which_trunk: 'rear' }, 2, '22022801'],
  ] as Array<[string, Record<string, unknown>, number, string]>)('%s encodes as published', (command, body, domain, payloadHex) => {
    expect(signedPayload(command, body)).toEqual({ domain, payload: hex(payloadHex) });
  });

  it('encodes the other commands from car_server.proto field numbers', () => {
    // Action{vehicleAction=2{<field>}}: honk 27, flash 26, charging amps 43{1: 32}.
    expect(signedPayload('honk_horn', {})!.payload.toString('hex')).toBe('1203da0100');
    expect(signedPayload('flash_lights', {})!.payload.toString('hex')).toBe('1203d20100');
    expect(signedPayload('set_charging_amps', { charging_amps: 32 })!.payload.toString('hex')).toBe('1205da02020820');
    expect(signedPayload('wake_up', {})).toBeNull(); // a wake goes through the wake endpoint
  });

  it('round-trips every signable command through the car-side decoder, parameters included', () => {
    const bodies: Record<string, Record<string, unknown>> = {
      set_temps: { driver_temp: 21.5, passenger_temp: 19 },
      set_charge_limit: { percent: 77 },
      set_charging_amps: { charging_amps: 12 },
      actuate_trunk: { which_trunk: 'front' },
      set_sentry_mode: { on: true },
      remote_seat_heater_request: { seat_position: 4, level: 2 },
      window_control: { command: 'close' },
    };
    for (const command of COMMAND_NAMES.filter((c) => c !== 'wake_up')) {
      const body = bodies[command] ?? {};
      const encoded = signedPayload(command, body);
      expect({ command, encoded: encoded !== null }).toEqual({ command, encoded: true });
      expect(decodeSignedPayload(encoded!.domain, encoded!.payload)).toEqual({ command, body });
    }
  });
});

describe('routable messages', () => {
  it('decodes the sample frame from protocol.md', () => {
    const routing = hex('2c907bd76c640d360b3027dc7404efde');
    const frame = Buffer.concat([hex('32020802'), hex('3a121210'), routing, hex('9a0310'), UUID, hex('52040a020805')]);
    const fields = readFields(frame);
    expect([...fields.keys()]).toEqual([6, 7, 51, 10]);
    expect(decodeRoutableReply(frame).payload).toEqual(hex('0a020805'));
  });

  it('builds a session-info request with the wire tags of the reference', () => {
    const msg = sessionInfoRequest(DOMAIN.vehicleSecurity, C, hex('00'.repeat(16)), UUID);
    expect(msg.subarray(0, 4).toString('hex')).toBe('32020802');
    expect(msg.toString('hex')).toContain(`7243${'0a41'}${C.toString('hex')}`);
    expect(msg.toString('hex')).toContain(`9a0310${UUID.toString('hex')}`);
  });

  it('carries the signature in signature_data.HMAC_Personalized_data with expires_at as fixed32', () => {
    const msg = signedCommandMessage(
      DOMAIN.infotainment,
      hex('120452020801'),
      { publicKey: C, epoch: EPOCH, counter: 8, expiresAt: 2660, tag: Buffer.alloc(32, 0xab) },
      hex('00'.repeat(16)),
      UUID,
      2,
    );
    const fields = readFields(msg);
    expect(fields.get(10)![0]!.value).toEqual(hex('120452020801'));
    // HMAC_Personalized_Signature_Data.expires_at is field 3, fixed32: tag 0x1d, then 2660 little-endian.
    expect(msg.toString('hex')).toContain('1d640a0000');
    expect(msg.toString('hex').endsWith('a00302')).toBe(true); // flags = 2
  });

  it('lays out a response’s metadata as the reference says, binding it to the request by its tag', () => {
    const requestTag = Buffer.alloc(32, 0xcd);
    const vcsec = responseMetadata({
      domain: DOMAIN.vehicleSecurity,
      vin: VIN,
      counter: 3,
      flags: FLAG_ENCRYPT_RESPONSE,
      requestHash: requestHash(DOMAIN.vehicleSecurity, requestTag),
      fault: 0,
    });
    const vin = Buffer.from(VIN, 'ascii').toString('hex');
    // TLV(0,[9]) TLV(1,[domain]) TLV(2,VIN) TLV(5,counter) TLV(7,flags) TLV(8, 8 || tag[:16] for VCSEC) TLV(9,fault) FF
    expect(vcsec.toString('hex')).toBe(`0001090101020211${vin}050400000003070400000002081108${'cd'.repeat(16)}090400000000ff`);
    const infotainment = responseMetadata({
      domain: DOMAIN.infotainment,
      vin: VIN,
      counter: 1,
      flags: 2,
      requestHash: requestHash(DOMAIN.infotainment, requestTag),
      fault: 0,
    });
    expect(infotainment.toString('hex')).toContain(`082108${'cd'.repeat(32)}09`);
  });

  it('opens a sealed response only with the metadata it was sealed under', () => {
    const meta = responseMetadata({
      domain: DOMAIN.infotainment,
      vin: VIN,
      counter: 1,
      flags: 2,
      requestHash: requestHash(DOMAIN.infotainment, Buffer.alloc(32, 1)),
      fault: 0,
    });
    const nonce = Buffer.alloc(12, 7);
    const sealed = sealResponse(K, meta, nonce, hex('0a020805'));
    expect(openResponse(K, meta, nonce, sealed.ciphertext, sealed.tag)).toEqual(hex('0a020805'));
    const otherRequest = responseMetadata({
      domain: DOMAIN.infotainment,
      vin: VIN,
      counter: 1,
      flags: 2,
      requestHash: requestHash(DOMAIN.infotainment, Buffer.alloc(32, 2)),
      fault: 0,
    });
    expect(() => openResponse(K, otherRequest, nonce, sealed.ciphertext, sealed.tag)).toThrow();
  });
});
