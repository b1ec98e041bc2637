import type * as Undici from 'undici';

let undici: Promise<typeof Undici> | undefined;

/**
 * undici's `request`, loaded on first use: most API requests (history, odometer, the dashboard) never reach Tesla
 * or a notification channel, so a cold start need not evaluate undici (about half a megabyte) before answering them.
 */
export async function request(...args: Parameters<typeof Undici.request>): ReturnType<typeof Undici.request> {
  undici ??= import('undici');
  return (await undici).request(...args);
}
