import { createHash, randomBytes } from 'node:crypto';

/**
 * Read-only API tokens: for a shared dashboard or a home-automation integration that may see history, state and
 * usage but never send a command or change a record. Only a SHA-256 of each token is kept (the tokens are 256-bit
 * random, so a fast hash is enough); the token itself is shown once, when it is made.
 */
export interface ReadTokenRecord {
  name: string;
  /** Hex SHA-256 of the token. */
  sha256: string;
  createdAt: string;
}

/** Who sent a request: the owner's token, or a named read-only token. */
export interface ApiCaller {
  name: string;
  role: 'owner' | 'read';
}

export const OWNER_CALLER: ApiCaller = { name: 'owner', role: 'owner' };

const NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** A read-only token's name is not usable (the message says what is). */
export class ReadTokenNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadTokenNameError';
  }
}

export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** A new read-only token named `name`: the token (to show once) and the records to store. */
export function addReadToken(records: readonly ReadTokenRecord[], name: string, now: number): { token: string; records: ReadTokenRecord[] } {
  if (!NAME.test(name)) throw new ReadTokenNameError(`--name must be 1–32 of a-z 0-9 _ - starting with a letter or digit (got '${name.slice(0, 40)}')`);
  if (name === OWNER_CALLER.name) throw new ReadTokenNameError("'owner' names the owner's token; choose another name");
  if (records.some((r) => r.name === name)) throw new ReadTokenNameError(`a read-only token named '${name}' exists; revoke it first or choose another name`);
  const token = `ro_${randomBytes(32).toString('base64url')}`;
  return { token, records: [...records, { name, sha256: tokenDigest(token).toString('hex'), createdAt: new Date(now).toISOString() }] };
}

export function revokeReadToken(records: readonly ReadTokenRecord[], name: string): ReadTokenRecord[] {
  if (!records.some((r) => r.name === name)) throw new ReadTokenNameError(`no read-only token is named '${name.slice(0, 40)}'`);
  return records.filter((r) => r.name !== name);
}

/** The records in a stored value; anything malformed is left out (it can then never match a token). */
export function parseReadTokens(value: unknown): ReadTokenRecord[] {
  if (!Array.isArray(value)) return [];
  const records: ReadTokenRecord[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { name, sha256, createdAt } = item as Record<string, unknown>;
    if (typeof name === 'string' && NAME.test(name) && typeof sha256 === 'string' && /^[0-9a-f]{64}$/.test(sha256) && typeof createdAt === 'string') {
      records.push({ name, sha256, createdAt });
    }
  }
  return records;
}
