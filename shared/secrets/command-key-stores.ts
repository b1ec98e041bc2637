import type { CommandKeyStore } from '../vcp/command-key';
import type { SecretsManagerApiSecret } from './api-secret';
import { readIfExists, writeOwnerOnly } from './owner-only-file';

/** Locally: one PEM file readable by the owner only, replaced atomically. */
export class FileCommandKeyStore implements CommandKeyStore {
  constructor(private readonly path: string) {}

  readPem(): Promise<string | null> {
    return readIfExists(this.path);
  }

  writePem(pem: string): Promise<void> {
    return writeOwnerOnly(this.path, pem);
  }
}

/** In AWS: the `vehicleCommandKey` field of the API secret (absent until `npm run keys` stores one). */
export class SecretsManagerCommandKeyStore implements CommandKeyStore {
  constructor(private readonly secret: SecretsManagerApiSecret) {}

  async readPem(): Promise<string | null> {
    const pem = (await this.secret.read()).vehicleCommandKey;
    return pem !== null && pem.includes('PRIVATE KEY') ? pem : null;
  }

  writePem(pem: string): Promise<void> {
    return this.secret.update({ vehicleCommandKey: pem });
  }
}
