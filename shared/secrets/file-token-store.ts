import { readdir, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { TokenStore } from '../tokens/ports';
import { parseTokenBundle, type TokenBundle } from '../tokens/token-bundle';
import { readIfExists, writeOwnerOnly } from './owner-only-file';

/** The local stand-in for Secrets Manager: one JSON file, readable by the owner only, replaced atomically. */
export class FileTokenStore implements TokenStore {
  constructor(private readonly path: string) {}

  async read(): Promise<TokenBundle | null> {
    const text = await readIfExists(this.path);
    return text === null ? null : parseTokenBundle(text);
  }

  write(bundle: TokenBundle): Promise<void> {
    return writeOwnerOnly(this.path, JSON.stringify(bundle, null, 2));
  }

  /**
   * After a crash between writing a new bundle and renaming it into place, the new bundle sits complete in a
   * temporary file while the file still holds the old one, whose refresh token Tesla has retired (refresh tokens are
   * single use). Run before anything reads the tokens: the newest valid bundle of those left behind takes the file's
   * place when it is newer than what the file holds. A half-written temporary file does not parse and is left for
   * the clean-up. True when a bundle was recovered.
   */
  async recoverInterruptedWrite(): Promise<boolean> {
    const dir = dirname(this.path);
    const prefix = `${basename(this.path)}.`;
    const leftovers = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'));
    const updatedAt = (text: string | null): number => {
      try {
        return text === null ? -1 : (parseTokenBundle(text).updatedAt ?? 0);
      } catch {
        return -1;
      }
    };
    let best: { path: string; at: number } | null = null;
    for (const name of leftovers) {
      const path = join(dir, name);
      const at = updatedAt(await readIfExists(path));
      if (at >= 0 && (best === null || at > best.at)) best = { path, at };
    }
    if (best === null || best.at <= updatedAt(await readIfExists(this.path))) return false;
    await rename(best.path, this.path);
    return true;
  }
}
