import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { randomUUID } from 'node:crypto';

type Step = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

/**
 * A one-secret Secrets Manager with the staging-label rules that matter to rotation: labels move between versions,
 * moving AWSCURRENT leaves AWSPREVIOUS behind, a version's value is immutable, and RotateSecret refuses to start
 * while AWSPENDING sits on a version other than AWSCURRENT. RotateSecret runs the rotation function's four steps
 * asynchronously, as Secrets Manager invokes the Lambda.
 */
export class FakeSecretsManager {
  readonly mock = mockClient(SecretsManagerClient);
  readonly versions = new Map<string, { value: string | null; stages: Set<string> }>();
  rotations: Array<{ token: string; done: Promise<void> }> = [];
  /** Errors of rotations started by RotateSecret (Secrets Manager records them; nobody awaits them). */
  readonly failures: unknown[] = [];
  rotationFunction: ((step: Step, token: string) => Promise<void>) | null = null;

  constructor(readonly secretId: string) {
    const notFound = () => new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret value", $metadata: {} });
    this.mock.on(GetSecretValueCommand).callsFake((input: { VersionId?: string; VersionStage?: string }) => {
      const [id, version] = this.find(input.VersionId, input.VersionStage) ?? [];
      if (!version || version.value === null) throw notFound();
      return { SecretString: version.value, VersionId: id, VersionStages: [...version.stages] };
    });
    this.mock.on(PutSecretValueCommand).callsFake((input: { ClientRequestToken?: string; SecretString: string; VersionStages?: string[] }) => {
      const id = input.ClientRequestToken ?? randomUUID();
      const existing = this.versions.get(id);
      if (existing?.value != null && existing.value !== input.SecretString)
        throw new ResourceExistsException({ message: 'version exists with other value', $metadata: {} });
      this.versions.set(id, { value: input.SecretString, stages: existing?.stages ?? new Set() });
      for (const stage of input.VersionStages ?? ['AWSCURRENT']) this.label(stage, id);
      return { VersionId: id };
    });
    this.mock.on(DescribeSecretCommand).callsFake(() => ({
      RotationEnabled: this.rotationEnabled,
      VersionIdsToStages: Object.fromEntries([...this.versions].filter(([, v]) => v.stages.size > 0).map(([id, v]) => [id, [...v.stages]])),
    }));
    this.mock.on(UpdateSecretVersionStageCommand).callsFake((input: { VersionStage: string; MoveToVersionId?: string; RemoveFromVersionId?: string }) => {
      if (input.MoveToVersionId) this.label(input.VersionStage, input.MoveToVersionId);
      else if (input.RemoveFromVersionId) this.versions.get(input.RemoveFromVersionId)?.stages.delete(input.VersionStage);
      return {};
    });
    this.mock.on(RotateSecretCommand).callsFake(() => {
      const stuck = [...this.versions].find(([, v]) => v.stages.has('AWSPENDING') && !v.stages.has('AWSCURRENT'))?.[0];
      if (stuck !== undefined) {
        // As its message says, Secrets Manager re-attempts the unfinished rotation (never two of one secret at once).
        if (!this.running.has(stuck)) this.rotations.push({ token: stuck, done: this.track(stuck) });
        throw new InvalidRequestException({ message: "A previous rotation isn't complete. That rotation will be reattempted.", $metadata: {} });
      }
      const token = randomUUID();
      this.versions.set(token, { value: null, stages: new Set() });
      this.label('AWSPENDING', token);
      this.rotations.push({ token, done: this.track(token) });
      return { VersionId: token };
    });
  }

  private readonly running = new Set<string>();

  /** Runs a rotation as Secrets Manager does: nobody awaits it, failures are recorded. */
  private track(token: string): Promise<void> {
    this.running.add(token);
    return this.runRotation(token)
      .catch((error: unknown) => void this.failures.push(error))
      .finally(() => this.running.delete(token));
  }

  /** Whether DescribeSecret reports rotation as configured (the stack configures it at deploy). */
  rotationEnabled = true;

  /**
   * What creating the stack's RotationSchedule does. With RotateImmediately=false, "Secrets Manager tests the
   * rotation configuration by running the testSecret step of the Lambda rotation function. The test creates an
   * AWSPENDING version of the secret and then removes it." A failing test fails the resource, and so the deploy.
   * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html
   */
  async configureRotation(options: { rotateImmediately: boolean }): Promise<void> {
    this.rotationEnabled = true;
    if (options.rotateImmediately) {
      const token = randomUUID();
      this.versions.set(token, { value: null, stages: new Set() });
      this.label('AWSPENDING', token);
      await this.runRotation(token);
      return;
    }
    const token = randomUUID();
    this.versions.set(token, { value: null, stages: new Set() });
    this.label('AWSPENDING', token);
    try {
      await this.rotationFunction?.('testSecret', token);
    } finally {
      this.versions.delete(token);
    }
  }

  /** Version IDs staged AWSPENDING but not AWSCURRENT: an unfinished rotation, which blocks RotateSecret. */
  strayPending(): string[] {
    return [...this.versions].filter(([, v]) => v.stages.has('AWSPENDING') && !v.stages.has('AWSCURRENT')).map(([id]) => id);
  }

  seed(value: string): void {
    this.versions.set('v0', { value, stages: new Set(['AWSCURRENT']) });
  }

  current(): string | null {
    return this.find(undefined, 'AWSCURRENT')?.[1].value ?? null;
  }

  /** Runs (or re-runs, as Secrets Manager re-attempts a failed rotation) the four steps for `token`. */
  async runRotation(token: string): Promise<void> {
    await Promise.resolve(); // Secrets Manager answers RotateSecret before the function runs
    if (!this.rotationFunction) return;
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await this.rotationFunction(step, token);
  }

  restore(): void {
    this.mock.restore();
  }

  private find(versionId?: string, stage?: string): [string, { value: string | null; stages: Set<string> }] | undefined {
    for (const entry of this.versions) {
      if (versionId !== undefined && entry[0] !== versionId) continue;
      if (stage !== undefined && !entry[1].stages.has(stage)) continue;
      return entry;
    }
    return undefined;
  }

  private label(stage: string, id: string): void {
    for (const [otherId, version] of this.versions) {
      if (otherId !== id && version.stages.delete(stage) && stage === 'AWSCURRENT') this.label('AWSPREVIOUS', otherId);
    }
    this.versions.get(id)?.stages.add(stage);
  }
}
