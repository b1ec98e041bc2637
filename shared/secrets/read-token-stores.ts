import type { SecretsManagerApiSecret } from './api-secret';
import { readIfExists, writeOwnerOnly } from './owner-only-file';
import { parseReadTokens, type ReadTokenRecord } from './read-tokens';

/** Where the read-only tokens' hashes are kept. */
export interface ReadTokenStore {
  read(): Promise<ReadTokenRecord[]>;
  write(records: ReadTokenRecord[]): Promise<void>;
}

/** Locally: DATA_DIR/read-tokens.json, owner-only, replaced atomically. */
export class FileReadTokenStore implements ReadTokenStore {
  constructor(private readonly path: string) {}

  async read(): Promise<ReadTokenRecord[]> {
    const text = await readIfExists(this.path);
    if (text === null) return [];
    try {
      return parseReadTokens(JSON.parse(text));
    } catch {
      throw new Error(`${this.path} is not valid JSON; fix or delete it (deleting revokes every read-only token)`);
    }
  }

  write(records: ReadTokenRecord[]): Promise<void> {
    return writeOwnerOnly(this.path, `${JSON.stringify(records, null, 2)}\n`);
  }
}

/** In AWS: the `readTokens` field of the API secret, beside the owner's token and the command key. */
export class SecretsManagerReadTokenStore implements ReadTokenStore {
  constructor(private readonly secret: SecretsManagerApiSecret) {}

  async read(): Promise<ReadTokenRecord[]> {
    return (await this.secret.read()).readTokens;
  }

  write(records: ReadTokenRecord[]): Promise<void> {
    return this.secret.update({ readTokens: records });
  }
}
