/** Fleet API hosts by region (each is also the OAuth `audience`). */
export const FLEET_API_HOSTS = {
  na: 'https://fleet-api.prd.na.vn.cloud.tesla.com',
  eu: 'https://fleet-api.prd.eu.vn.cloud.tesla.com',
  cn: 'https://fleet-api.prd.cn.vn.cloud.tesla.cn',
} as const;

export type FleetRegion = keyof typeof FLEET_API_HOSTS;

/** Token calls go here since July 2025 (not auth.tesla.com). */
export const TESLA_AUTH_URL = 'https://fleet-auth.prd.vn.cloud.tesla.com';

/** Reads the host out of a 421 body: "user out of region, use base URL: https://…, see …". */
export function baseUrlFromWrongRegion(message: string): string | null {
  const match = /use base URL:\s*(https?:\/\/[^\s,"]+)/i.exec(message);
  return match?.[1]?.replace(/\/+$/, '') ?? null;
}

const TESLA_DOMAINS = ['.tesla.com', '.tesla.cn', '.teslamotors.com'];

/**
 * Whether a 421 may move us (and the owner's bearer token) to `target`: only to Tesla's own HTTPS hosts, as Tesla's
 * SDK does, or to another port of the host we already talk to (a local simulator).
 */
export function isTrustedRegionMove(current: string, target: string): boolean {
  let from: URL;
  let to: URL;
  try {
    from = new URL(current);
    to = new URL(target);
  } catch {
    return false;
  }
  if (to.protocol === 'https:' && TESLA_DOMAINS.some((d) => to.hostname.endsWith(d))) return true;
  return to.hostname === from.hostname && to.protocol === from.protocol;
}
