import { GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseReadTokens, type ReadTokenRecord } from './read-tokens';

/**
 * The API function's own secret, one JSON document: the bearer API token generated at deploy, the hashes of any
 * read-only tokens (`npm run api-token -- --read-only`) and, once `npm run keys` has made one, the vehicle command
 * private key (PEM). One secret instead of two keeps the stack at
 * two secrets ($0.40 a month each).
 */
export interface ApiSecret {
  apiToken: string | null;
  vehicleCommandKey: string | null;
  readTokens: ReadTokenRecord[];
}

/** The secret's value is not the JSON object the stack created (the message never repeats the value). */
export class ApiSecretFormatError extends Error {
  constructor() {
    super('the API secret is not a JSON object; it should look like {"apiToken":"…"}');
    this.name = 'ApiSecretFormatError';
  }
}

function parseObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiSecretFormatError();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiSecretFormatError();
  return value as Record<string, unknown>;
}

export function parseApiSecret(text: string): ApiSecret {
  const value = parseObject(text);
  const text_ = (key: string): string | null => (typeof value[key] === 'string' && value[key] !== '' ? value[key] : null);
  return { apiToken: text_('apiToken'), vehicleCommandKey: text_('vehicleCommandKey'), readTokens: parseReadTokens(value.readTokens) };
}

/** Reads and updates the API secret in Secrets Manager; an update keeps every field it does not name. */
export class SecretsManagerApiSecret {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async read(): Promise<ApiSecret> {
    return parseApiSecret(await this.readText());
  }

  async update(patch: Partial<ApiSecret>): Promise<void> {
    const next = { ...parseObject(await this.readText()), ...patch };
    await this.client.send(new PutSecretValueCommand({ SecretId: this.secretId, SecretString: JSON.stringify(next) }));
  }

  private async readText(): Promise<string> {
    return (await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }))).SecretString ?? '';
  }
}
