import type { CommandKey } from './command-key';
import { schnorrSign, schnorrVerify } from './schnorr-p256';

/** The JWS algorithm Tesla's cars verify: Schnorr over P-256 with SHA-256 (see schnorr-p256). */
export const TESLA_SS256 = 'Tesla.SS256';
/** The audience of a message every car that trusts the app's key accepts; the app name Tesla gives telemetry configs. */
export const TELEMETRY_AUDIENCE = 'com.tesla.fleet.TelemetryClient';

const HEADER = base64url(JSON.stringify({ alg: TESLA_SS256, typ: 'JWT' }));

/**
 * Signs claims with the app's key as a compact JWS, for `POST /api/1/vehicles/fleet_telemetry_config_jws`: `iss` is
 * the app's public key (65 bytes, standard base64), `aud` the audience; both replace any the claims carried. The
 * result is not a secret (it grants nothing: the car checks it against the key the owner paired).
 */
export function signTeslaJws(key: Pick<CommandKey, 'privateRaw' | 'publicKey'>, claims: Record<string, unknown>, audience = TELEMETRY_AUDIENCE): string {
  const body = { ...claims, iss: key.publicKey.toString('base64'), aud: audience };
  const signingInput = `${HEADER}.${base64url(JSON.stringify(body))}`;
  return `${signingInput}.${schnorrSign(key.privateRaw, key.publicKey, Buffer.from(signingInput)).toString('base64url')}`;
}

/** The claims of a `Tesla.SS256` JWS that `publicKey` (65 bytes) signed; null when it did not, or it is not one. */
export function verifyTeslaJws(token: string, publicKey: Buffer): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, body, signature] = parts as [string, string, string];
  const parsed = (part: string): unknown => {
    try {
      return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
  };
  const h = parsed(header) as { alg?: unknown } | null;
  const claims = parsed(body);
  if (h?.alg !== TESLA_SS256 || claims === null || typeof claims !== 'object' || Array.isArray(claims)) return null;
  return schnorrVerify(publicKey, Buffer.from(`${header}.${body}`), Buffer.from(signature, 'base64url')) ? (claims as Record<string, unknown>) : null;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
