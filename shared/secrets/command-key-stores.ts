import { GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CommandKeyStore } from '../vcp/command-key';
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

/** In AWS: the PEM as the VehicleCommandKey secret's value ("{}" until `npm run keys` stores one). */
export class SecretsManagerCommandKeyStore implements CommandKeyStore {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async readPem(): Promise<string | null> {
    try {
      const text = (await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }))).SecretString ?? '';
      return text.includes('PRIVATE KEY') ? text : null;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return null;
      throw error;
    }
  }

  async writePem(pem: string): Promise<void> {
    await this.client.send(new PutSecretValueCommand({ SecretId: this.secretId, SecretString: pem }));
  }
}
