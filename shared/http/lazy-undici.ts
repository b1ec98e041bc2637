import type { request as undiciRequest } from 'undici';

let undici: Promise<typeof import('undici')> | undefined;

/**
 * undici's `request`, loaded on first use: most API requests (history, odometer, the dashboard) never reach Tesla
 * or a notification channel, so a cold start need not evaluate undici (about half a megabyte) before answering them.
 */
export async function request(...args: Parameters<typeof undiciRequest>): ReturnType<typeof undiciRequest> {
  undici ??= import('undici');
  return (await undici).request(...args);
}
