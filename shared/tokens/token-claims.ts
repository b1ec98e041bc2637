import { FLEET_API_HOSTS, type FleetRegion } from '../domain/fleet-regions';

export interface AccessTokenClaims {
  /** Tesla's region code for the account: "NA", "EU" or "CN". */
  ouCode: string | null;
  audiences: string[];
  scopes: string[];
}

/**
 * Reads (does not verify) the claims of a Tesla access token, a JWT. We only use them to learn the account's region
 * and granted scopes; Tesla verifies the token itself. Anything that is not a readable JWT gives null.
 */
export function readAccessTokenClaims(token: string): AccessTokenClaims | null {
  const payload = token.split('.')[1];
  if (payload === undefined) return null;
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null) return null;
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
  return {
    ouCode: typeof claims.ou_code === 'string' ? claims.ou_code : null,
    audiences: list(claims.aud),
    scopes: list(claims.scp),
  };
}

/** The Fleet API host an access token belongs to: by its region code, else by a Fleet host among its audiences. */
export function fleetApiBaseUrlOf(claims: AccessTokenClaims): string | null {
  const region = claims.ouCode?.toLowerCase();
  if (region !== undefined && region in FLEET_API_HOSTS) return FLEET_API_HOSTS[region as FleetRegion];
  const hosts = Object.values(FLEET_API_HOSTS) as string[];
  return claims.audiences.map((a) => a.replace(/\/+$/, '')).find((a) => hosts.includes(a)) ?? null;
}
