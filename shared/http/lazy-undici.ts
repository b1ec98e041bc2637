import type * as Undici from 'undici';

let undici: Promise<typeof Undici> | undefined;

/**
 * undici's `request`, loaded on first use: most API requests (history, odometer, the dashboard) never reach Tesla
 * or a notification channel, so a cold start need not parse or evaluate undici (about half a megabyte).
 */
export async function request(...args: Parameters<typeof Undici.request>): ReturnType<typeof Undici.request> {
  undici ??= import('undici').then(moduleOf);
  return (await undici).request(...args);
}

/**
 * undici is CommonJS. Imported from TypeScript or Node it has named exports; from the functions' split bundle it is
 * a chunk whose only export is `default`, the CommonJS `module.exports`.
 */
export function moduleOf(imported: typeof Undici): typeof Undici {
  return typeof imported.request === 'function' ? imported : (imported as unknown as { default: typeof Undici }).default;
}
