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
