import { readFile, writeFile } from 'node:fs/promises';
import { tunablesTable } from '../../shared/config/tunables';

/** `npm run docs:settings`: writes the tuned settings' table into docs/settings.md from the catalogue. */
export const SETTINGS_DOC = 'docs/settings.md';
const START = '<!-- tunables:start -->';
const END = '<!-- tunables:end -->';

/** The document with its table as the catalogue gives it. */
export function withTunablesTable(doc: string): string {
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${SETTINGS_DOC} lacks the ${START} … ${END} markers`);
  return `${doc.slice(0, a + START.length)}\n${tunablesTable()}\n${doc.slice(b)}`;
}

if (process.argv[1]?.endsWith('settings-table.ts')) {
  const doc = await readFile(SETTINGS_DOC, 'utf8');
  await writeFile(SETTINGS_DOC, withTunablesTable(doc));
  process.stdout.write(`${SETTINGS_DOC}: the tuned settings' table is written from shared/config/tunables.ts\n`);
}
