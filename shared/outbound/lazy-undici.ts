import type { LookupFunction } from 'node:net';
import type * as Undici from 'undici';
import { lazily } from '../domain/lazily';

const undici = lazily(() => import('undici').then(moduleOf));

/**
 * undici's `request`, loaded on first use: most API requests (history, odometer, the dashboard) never reach Tesla
 * or a notification channel, so a cold start need not parse or evaluate undici (about half a megabyte).
 */
export async function request(...args: Parameters<typeof Undici.request>): ReturnType<typeof Undici.request> {
  return (await undici()).request(...args);
}

/** An undici Agent whose connections resolve names with `lookup` (see notify/outbound-guard), made on first use. */
export async function agentWithLookup(lookup: LookupFunction): Promise<Undici.Dispatcher> {
  const { Agent } = await undici();
  return new Agent({ connect: { lookup } });
}

/**
 * undici is CommonJS. Imported from TypeScript or Node it has named exports; from the functions' split bundle it is
 * a chunk whose only export is `default`, the CommonJS `module.exports`.
 */
export function moduleOf(imported: typeof Undici): typeof Undici {
  return typeof imported.request === 'function' ? imported : (imported as unknown as { default: typeof Undici }).default;
}
