import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TokenStore } from '../tokens/ports';
import { parseTokenBundle, type TokenBundle } from '../tokens/token-bundle';

/**
 * The local stand-in for Secrets Manager: one JSON file, readable by the owner only. Writes go to a temporary
 * file that is flushed to disk and renamed over the old one, so a crash leaves either the old or the new bundle,
 * never half of one.
 */
export class FileTokenStore implements TokenStore {
  constructor(private readonly path: string) {}

  async read(): Promise<TokenBundle | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return parseTokenBundle(text);
  }

  async write(bundle: TokenBundle): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(bundle, null, 2));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.path);
  }
}
