import { describe, expect, it } from '@jest/globals';
import { createECDH, createHash } from 'node:crypto';
import { commandKeyFromPem, generateCommandKeyPem } from '../../../shared/vcp/command-key';
import { deterministicNonce, schnorrSign, schnorrVerify } from '../../../shared/vcp/schnorr-p256';
import { signTeslaJws, TELEMETRY_AUDIENCE, verifyTeslaJws } from '../../../shared/vcp/tesla-jws';

/**
 * Known answers from Tesla's vehicle-command repository (internal/schnorr/*_test.go, internal/authentication/
 * jwt_test.go) and RFC 6979 A.2.5: what a car verifies is byte for byte what Tesla's own signer produces.
 */
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

/** Tesla's test key: the scalar 0x03 followed by 31 zero bytes. */
const TEST_SCALAR = Buffer.concat([Buffer.from([3]), Buffer.alloc(31)]);
const testPublic = (): Buffer => {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(TEST_SCALAR);
  return ecdh.getPublicKey();
};
const HELLO_SIGNATURE = hex(`
  7cfdbeb5baa73054 0401550bdefa2097 6453e8539ae4b2f2 6ce33125801a08f9 0ed20c3d846497ff 82cc9772e3db4703
  982f47bd0b0b89df b9a49cd2e5240546 02b1e05fbf95f568 6faea7a5809eb92f 5ecc22eae74ceccc 5e2a65dd67ff20fc`);

describe('Schnorr over P-256 (Tesla.SS256)', () => {
  it('draws RFC 6979’s nonce for P-256 and SHA-256 (A.2.5, "sample")', () => {
    const scalar = hex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');
    const digest = createHash('sha256').update('sample').digest();
    expect(deterministicNonce(scalar, digest).toString('hex')).toBe('a6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60');
  });

  it('draws again when the first candidate is not below the order (Tesla’s brute-forced digest)', () => {
    const digest = hex('0080c36864c5f2f460e3767983c65677b65cef901bcedcb223f9b365c68f52f6');
    expect(deterministicNonce(TEST_SCALAR, digest).toString('hex')).toBe('264fc6592fbea24fd0954e0b86b886e8743161758ddad2f7e9fed75a0019e005');
  });

  it('signs "hello world" with Tesla’s test key to Tesla’s signature, and verifies it', () => {
    const message = Buffer.from('hello world');
    expect(schnorrSign(TEST_SCALAR, testPublic(), message).toString('hex')).toBe(HELLO_SIGNATURE.toString('hex'));
    expect(schnorrVerify(testPublic(), message, HELLO_SIGNATURE)).toBe(true);
  });

  it('refuses a changed message, another key, a changed or short signature, and a key off the curve', () => {
    const message = Buffer.from('hello world');
    expect(schnorrVerify(testPublic(), Buffer.from('hello worle'), HELLO_SIGNATURE)).toBe(false);
    const other = createECDH('prime256v1');
    other.setPrivateKey(Buffer.concat([Buffer.from([4]), Buffer.alloc(31)]));
    expect(schnorrVerify(other.getPublicKey(), message, HELLO_SIGNATURE)).toBe(false);
    for (const at of [0, 32, 95]) {
      const changed = Buffer.from(HELLO_SIGNATURE);
      changed[at]! ^= 1;
      expect(schnorrVerify(testPublic(), message, changed)).toBe(false);
    }
    expect(schnorrVerify(testPublic(), message, HELLO_SIGNATURE.subarray(0, 95))).toBe(false);
    const offCurve = Buffer.from(testPublic());
    offCurve[64]! ^= 1;
    expect(schnorrVerify(offCurve, message, HELLO_SIGNATURE)).toBe(false);
    expect(schnorrVerify(Buffer.concat([Buffer.from([4]), Buffer.alloc(64)]), message, HELLO_SIGNATURE)).toBe(false);
  });
});

describe('a Tesla.SS256 JWS', () => {
  it('verifies the token Tesla’s own test signed', () => {
    const publicKey = hex(`04775e2ef570d292df424c09f70e7d95678d5ce78124acb3f9375b198a4da9f9e9f0cc6d880e2e606e9b01b0fa62c6150e371aa5d8f7f09cc9e1bd3a1b449893ec`);
    const token =
      'eyJhbGciOiJUZXNsYS5TUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJjb20udGVzbGEudmVoaWNsZS5NM1RFUkFTSElNQUJVQ0swMSIsImZvbyI6ImJhciIsImlzcyI6IkJIZGVMdlZ3MHBMZlFrd0o5dzU5bFdlTlhPZUJKS3l6K1RkYkdZcE5xZm5wOE14dGlBNHVZRzZiQWJENllzWVZEamNhcGRqMzhKeko0YjA2RzBTWWsrdz0ifQ.4Xq2tsynDYOhLBWpnqLJfsAzdOqTOwHkVowI47A-yzVXIQHaawObJvAYRoRs61oVwWiEQ7XYXG8WE_Vz_49eVirAV9NGKymj3HBTTjN5DmViWmFzfaIOXRWKJlE--vzU';
    expect(verifyTeslaJws(token, publicKey)).toMatchObject({ foo: 'bar', iss: publicKey.toString('base64') });
    expect(verifyTeslaJws(token.replace('.eyJhdWQ', '.eyJhdWR'), publicKey)).toBeNull();
  });

  it('signs a telemetry config with the app’s key: the fleet audience, the key as issuer, verifiable by the key', () => {
    const key = commandKeyFromPem(generateCommandKeyPem());
    const config = { hostname: 'telemetry.example.com', port: 443, fields: { Odometer: { interval_seconds: 60 } }, exp: 1_900_000_000, aud: 'x' };
    const token = signTeslaJws(key, config);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'Tesla.SS256', typ: 'JWT' });
    expect(verifyTeslaJws(token, key.publicKey)).toEqual({ ...config, iss: key.publicKey.toString('base64'), aud: TELEMETRY_AUDIENCE });
    expect(verifyTeslaJws(token, commandKeyFromPem(generateCommandKeyPem()).publicKey)).toBeNull();
    expect(token).not.toContain(key.privateRaw.toString('base64url'));
  });
});
