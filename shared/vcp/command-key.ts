import type { DescribedFailure, Failure } from '../domain/failure';
import type { CommandNotRunMark } from '../domain/fleet-errors';
import { createECDH, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** The app's P-256 key for signed commands. The private half never leaves the key store, logs or responses. */
export interface CommandKey {
  /** 32-byte scalar for ECDH. */
  privateRaw: Buffer;
  /** 65-byte uncompressed point: 0x04 || X || Y, as the protocol carries it. */
  publicKey: Buffer;
  /** SPKI PEM, as served at /.well-known/appspecific/com.tesla.3p.public-key.pem. */
  publicKeyPem: string;
}

export class CommandKeyInvalidError extends Error implements CommandNotRunMark, DescribedFailure {
  /** Raised before a command reached the car, or as the car's refusal of it. */
  readonly commandDidNotRun = true as const;

  constructor() {
    super('the stored vehicle command key is not a P-256 private key');
    this.name = 'CommandKeyInvalidError';
  }

  failure(): Failure {
    return { code: 'command_key_invalid', message: `${this.message}: replace it with \`npm run keys -- --force\` and pair the new key` };
  }
}

export function generateCommandKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Reads a PKCS#8 PEM private key; the error never includes the key. */
export function commandKeyFromPem(pem: string): CommandKey {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new CommandKeyInvalidError();
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new CommandKeyInvalidError();
  const jwk = key.export({ format: 'jwk' });
  const privateRaw = Buffer.from(jwk.d!, 'base64url');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(privateRaw);
  return {
    privateRaw,
    publicKey: ecdh.getPublicKey(),
    publicKeyPem: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Where the private key lives: Secrets Manager in AWS, a file (mode 600) locally. */
export interface CommandKeyStore {
  /** The private key PEM, or null when none was created yet. */
  readPem(): Promise<string | null>;
  writePem(pem: string): Promise<void>;
}

/** Loads the key from its store, keeping a found key for `ttlMs` (a missing one is looked for again next time). */
export function cachedCommandKey(
  store: CommandKeyStore,
  options: { now?: () => number; ttlMs?: number; missingTtlMs?: number } = {},
): () => Promise<CommandKey | null> {
  const { now = Date.now, ttlMs = 5 * 60_000, missingTtlMs = 60_000 } = options;
  // "No key yet" is cached too (for less time), so a deployment without one does not read the secret per command.
  let cached: { key: CommandKey | null; at: number } | null = null;
  return async () => {
    if (cached && now() - cached.at < (cached.key ? ttlMs : missingTtlMs)) return cached.key;
    const pem = await store.readPem();
    cached = { key: pem === null ? null : commandKeyFromPem(pem), at: now() };
    return cached.key;
  };
}
