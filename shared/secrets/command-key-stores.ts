import { GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CommandKeyStore } from '../vcp/command-key';

/** Locally: one PEM file readable by the owner only, replaced atomically. */
export class FileCommandKeyStore implements CommandKeyStore {
  constructor(private readonly path: string) {}

  async readPem(): Promise<string | null> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async writePem(pem: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(pem);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.path);
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
