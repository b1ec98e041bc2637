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
}
