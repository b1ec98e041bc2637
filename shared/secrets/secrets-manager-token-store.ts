import type { DescribedFailure, Failure } from '../domain/failure';
import type { CommandNotRunMark } from '../domain/fleet-errors';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../domain/clock';
import type { TokenRenewer, TokenStore } from '../tokens/ports';
import { needsRenewal, parseTokenBundle, type TokenBundle } from '../tokens/token-bundle';

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

  /**
   * Stores a login's new pair as AWSCURRENT (only `npm run login` writes; the functions never do). A rotation left
   * unfinished before it holds an older pair as AWSPENDING: RotateSecret would re-attempt that rotation rather than
   * start a new one, so its label is withdrawn here (and the rotation function would refuse to promote it anyway).
   */
  async write(bundle: TokenBundle): Promise<void> {
    const out = await this.client.send(new PutSecretValueCommand({ SecretId: this.secretId, SecretString: JSON.stringify(bundle) }));
    const described = await this.client.send(new DescribeSecretCommand({ SecretId: this.secretId }));
    for (const [versionId, stages] of Object.entries(described.VersionIdsToStages ?? {})) {
      if (versionId === out.VersionId || !stages.includes('AWSPENDING') || stages.includes('AWSCURRENT')) continue;
      await this.client.send(new UpdateSecretVersionStageCommand({ SecretId: this.secretId, VersionStage: 'AWSPENDING', RemoveFromVersionId: versionId }));
    }
  }
}

export class RotationTimeoutError extends Error implements CommandNotRunMark, DescribedFailure {
  /** Raised before a command reached the car, or as the car's refusal of it. */
  readonly commandDidNotRun = true as const;

  constructor() {
    super('the token rotation did not finish in time');
    this.name = 'RotationTimeoutError';
  }

  failure(): Failure {
    return { code: 'tesla_token_unavailable', message: 'no fresh Tesla token yet; if this persists, check the token rotation alarm', retryAfterSeconds: 60 };
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

  /**
   * A bundle whose access token is good for a while: a new AWSCURRENT, or the pending pair of a rotation under way
   * (its refresh already retired the current access token, and its pair is what Tesla honours). Until one appears,
   * asks Secrets Manager to rotate — again whenever a new version turns out stale already — and polls.
   */
  async renew(): Promise<TokenBundle> {
    const before = await this.store.readVersion();
    const usable = (bundle: TokenBundle | null | undefined): bundle is TokenBundle => bundle != null && !needsRenewal(bundle, this.clock.now());
    const deadline = this.clock.now() + this.options.timeoutMs;
    let askedAtVersion: string | null = null;
    // Bounded by count as well as by time, so a clock that stands still cannot keep us here.
    for (let polls = Math.ceil(this.options.timeoutMs / this.options.pollMs); ; polls--) {
      const current = await this.store.readVersion();
      if (current && current.versionId !== before?.versionId && usable(current.bundle)) return current.bundle;
      const pending = await this.pendingBundle();
      if (usable(pending) && (pending.updatedAt ?? 0) >= (current?.bundle.updatedAt ?? 0)) return pending;
      const version = current?.versionId ?? '';
      if (askedAtVersion !== version) {
        await this.askForRotation();
        askedAtVersion = version;
      }
      if (polls <= 0 || this.clock.now() >= deadline) throw new RotationTimeoutError();
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs));
    }
  }

  /** Starts a rotation; if one is unfinished, Secrets Manager says so and re-attempts it, which is what we want. */
  private async askForRotation(): Promise<void> {
    try {
      await this.client.send(new RotateSecretCommand({ SecretId: this.secretId }));
    } catch (error) {
      if (!(error instanceof Error && /previous rotation/i.test(error.message))) throw error;
    }
  }

  /** The bundle of a rotation under way (AWSPENDING on a version other than AWSCURRENT), once it is stored. */
  private async pendingBundle(): Promise<TokenBundle | null> {
    const described = await this.client.send(new DescribeSecretCommand({ SecretId: this.secretId }));
    const versionId = Object.entries(described.VersionIdsToStages ?? {}).find(
      ([, stages]) => stages.includes('AWSPENDING') && !stages.includes('AWSCURRENT'),
    )?.[0];
    if (versionId === undefined) return null;
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId, VersionId: versionId, VersionStage: 'AWSPENDING' }));
      return parseTokenBundle(out.SecretString ?? '');
    } catch {
      return null; // not stored yet, or not a bundle: nothing to use
    }
  }
}
