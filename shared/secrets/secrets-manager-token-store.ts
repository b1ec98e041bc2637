import type { CommandNotRunMark } from '../domain/fleet-errors';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../domain/clock';
import type { TokenRenewer, TokenStore } from '../tokens/ports';
import { parseTokenBundle, type TokenBundle } from '../tokens/token-bundle';

/** The token bundle as one JSON secret (AWSCURRENT). An empty or `{}` secret means "not seeded yet". */
export class SecretsManagerTokenStore implements TokenStore {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async read(): Promise<TokenBundle | null> {
    return (await this.readVersion())?.bundle ?? null;
  }

  async readVersion(): Promise<{ bundle: TokenBundle; versionId: string } | null> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId, VersionStage: 'AWSCURRENT' }));
      const text = out.SecretString?.trim() ?? '';
      if (text === '' || text === '{}') return null;
      return { bundle: parseTokenBundle(text), versionId: out.VersionId ?? '' };
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return null;
      throw error;
    }
  }

  async write(bundle: TokenBundle): Promise<void> {
    await this.client.send(new PutSecretValueCommand({ SecretId: this.secretId, SecretString: JSON.stringify(bundle) }));
  }
}

export class RotationTimeoutError extends Error implements CommandNotRunMark {
  /** Raised before a command reached the car, or as the car's refusal of it. */
  readonly commandDidNotRun = true as const;

  constructor() {
    super('the token rotation did not finish in time');
    this.name = 'RotationTimeoutError';
  }
}

/**
 * Readers in AWS never refresh Tesla tokens themselves: they ask Secrets Manager to rotate (the rotation function
 * is the one writer) and wait for a new AWSCURRENT version. A rotation already under way is waited for, not doubled.
 */
export class SecretsManagerRotationRenewer implements TokenRenewer {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly store: SecretsManagerTokenStore,
    private readonly secretId: string,
    private readonly clock: Clock,
    private readonly options = { timeoutMs: 25_000, pollMs: 1_000 },
  ) {}

  async renew(): Promise<TokenBundle> {
    const before = await this.store.readVersion();
    const described = await this.client.send(new DescribeSecretCommand({ SecretId: this.secretId }));
    // After a successful rotation AWSPENDING may stay on the AWSCURRENT version; only elsewhere does it mean "under way".
    const pending = Object.values(described.VersionIdsToStages ?? {}).some((stages) => stages.includes('AWSPENDING') && !stages.includes('AWSCURRENT'));
    if (!pending) {
      try {
        await this.client.send(new RotateSecretCommand({ SecretId: this.secretId }));
      } catch (error) {
        // "A previous rotation isn't complete": somebody else started it; wait for theirs.
        if (!(error instanceof Error && /previous rotation/i.test(error.message))) throw error;
      }
    }
    const deadline = this.clock.now() + this.options.timeoutMs;
    while (this.clock.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs));
      const now = await this.store.readVersion();
      if (now && now.versionId !== before?.versionId) return now.bundle;
    }
    throw new RotationTimeoutError();
  }
}
