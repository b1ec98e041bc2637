import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../domain/clock';
import type { Log } from '../domain/stores';
import type { OAuthClient } from '../tokens/ports';
import { parseTokenBundle, type TokenBundle } from '../tokens/token-bundle';
import { refreshBundle } from '../tokens/token-refresh';

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

export interface RotationEvent {
  Step: RotationStep;
  SecretId: string;
  ClientRequestToken: string;
}

export interface RotationDeps {
  client: SecretsManagerClient;
  oauth: OAuthClient;
  clock: Clock;
  log: Log;
  /** Proves a bundle's access token works (a free Fleet call). */
  testAccessToken(bundle: TokenBundle): Promise<void>;
}

export class RotationStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationStateError';
  }
}

/**
 * Secrets Manager's rotation contract for the Tesla token bundle.
 *
 * createSecret refreshes with Tesla and stores the new pair as AWSPENDING before anything uses it. If the function
 * dies after Tesla answered but before the write, AWSCURRENT still holds the refresh token Tesla last saw, which
 * Tesla keeps honouring for 24 hours, so the next attempt simply refreshes again. setSecret has nothing to do (Tesla
 * already holds the new pair). testSecret makes a free call with the pending access token. finishSecret promotes.
 * Secrets Manager runs one rotation per secret at a time, which makes this the single writer.
 */
export async function rotate(event: RotationEvent, deps: RotationDeps): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const described = await deps.client.send(new DescribeSecretCommand({ SecretId: secretId }));
  if (described.RotationEnabled === false) throw new RotationStateError('rotation is not enabled on the secret');
  const stages = described.VersionIdsToStages ?? {};
  const tokenStages = stages[token];
  if (tokenStages === undefined) throw new RotationStateError('the rotation version is not a version of the secret');
  if (tokenStages.includes('AWSCURRENT') && step !== 'finishSecret') return; // already done
  if (!tokenStages.includes('AWSPENDING') && !tokenStages.includes('AWSCURRENT')) {
    throw new RotationStateError('the rotation version is not staged AWSPENDING');
  }

  switch (step) {
    case 'createSecret':
      return createPending(secretId, token, deps);
    case 'setSecret':
      return;
    case 'testSecret':
      return deps.testAccessToken(await readBundle(deps.client, secretId, { VersionId: token, VersionStage: 'AWSPENDING' }));
    case 'finishSecret':
      return finish(secretId, token, stages, deps);
  }
}

async function createPending(secretId: string, token: string, deps: RotationDeps): Promise<void> {
  try {
    await deps.client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
    deps.log.info('token rotation: pending version already stored');
    return; // a retried createSecret must not spend another refresh token
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const current = await readBundle(deps.client, secretId, { VersionStage: 'AWSCURRENT' });
  const next = await refreshBundle(current, deps.oauth, deps.clock);
  await deps.client.send(
    new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: JSON.stringify(next), VersionStages: ['AWSPENDING'] }),
  );
  deps.log.info('token rotation: new token pair stored as AWSPENDING', { accessTokenExpiresAt: next.accessTokenExpiresAt });
}

async function finish(secretId: string, token: string, stages: Record<string, string[]>, deps: RotationDeps): Promise<void> {
  const currentVersion = Object.entries(stages).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
  if (currentVersion === token) return;
  await deps.client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: token,
      ...(currentVersion ? { RemoveFromVersionId: currentVersion } : {}),
    }),
  );
  deps.log.info('token rotation: new token pair is current');
}

async function readBundle(client: SecretsManagerClient, secretId: string, version: { VersionId?: string; VersionStage: string }): Promise<TokenBundle> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, ...version }));
  return parseTokenBundle(out.SecretString ?? '');
}
