import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../domain/clock';
import { FleetApiError } from '../domain/fleet-errors';
import type { Log } from '../domain/stores';
import type { OAuthClient } from '../tokens/ports';
import { needsRenewal, parseTokenBundle, type TokenBundle } from '../tokens/token-bundle';
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
 * already holds the new pair). testSecret makes a free call with the pending access token; only a definite rejection
 * fails it. finishSecret promotes. Readers whose access token Tesla retired meanwhile use the pending pair's (see
 * SecretsManagerRotationRenewer), so no step and no gap between steps leaves them without a usable token.
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
      return createPending(secretId, token, stages, deps);
    case 'setSecret':
      return;
    case 'testSecret':
      return testPending(secretId, token, deps);
    case 'finishSecret':
      return finish(secretId, token, stages, deps);
  }
}

async function createPending(secretId: string, token: string, stages: Record<string, string[]>, deps: RotationDeps): Promise<void> {
  try {
    await deps.client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
    deps.log.info('token rotation: pending version already stored');
    return; // a retried createSecret must not spend another refresh token
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const base = await newestBundle(deps.client, secretId, stages, token);
  const next = await refreshBundle(base, deps.oauth, deps.clock);
  await deps.client.send(
    new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: JSON.stringify(next), VersionStages: ['AWSPENDING'] }),
  );
  deps.log.info('token rotation: new token pair stored as AWSPENDING', { accessTokenExpiresAt: next.accessTokenExpiresAt });
}

/**
 * The pending pair came straight from Tesla's token endpoint, and that refresh already ended the current pair's
 * access tokens: promoting it is never worse than keeping the current one. So only a definite rejection of the
 * pending access token fails the step; a Tesla hiccup (no answer, 5xx, 408, 429) is logged and the rotation goes on,
 * instead of leaving readers on a dead access token until the next attempt.
 */
async function testPending(secretId: string, token: string, deps: RotationDeps): Promise<void> {
  const pending = await readBundle(deps.client, secretId, { VersionId: token, VersionStage: 'AWSPENDING' });
  if (needsRenewal(pending, deps.clock.now())) {
    // A re-attempt long after createSecret: the access token has expired, so a test proves nothing, while the
    // refresh token is still the one Tesla holds. Promote it; the next rotation renews the access token.
    deps.log.info('token rotation: the pending access token has expired; promoting the pair for its refresh token');
    return;
  }
  try {
    await deps.testAccessToken(pending);
  } catch (error) {
    if (!isTransient(error)) throw error;
    deps.log.warn('token rotation: the test call did not get an answer; promoting the pair Tesla issued', { error: error instanceof Error ? error.name : 'unknown' });
  }
}

function isTransient(error: unknown): boolean {
  return error instanceof FleetApiError && (error.status === 0 || error.status >= 500 || error.status === 408 || error.status === 429);
}

/**
 * The bundle whose refresh token Tesla holds last: AWSCURRENT, unless a pending version from an earlier, unfinished
 * rotation carries a newer pair (its refresh already retired the current one). Refreshing from anything older
 * would spend a retired token, and after Tesla's 24-hour grace lose the login.
 */
async function newestBundle(client: SecretsManagerClient, secretId: string, stages: Record<string, string[]>, exceptVersion: string): Promise<TokenBundle> {
  const current = await readBundle(client, secretId, { VersionStage: 'AWSCURRENT' });
  let newest = current;
  for (const [versionId, labels] of Object.entries(stages)) {
    if (versionId === exceptVersion || !labels.includes('AWSPENDING') || labels.includes('AWSCURRENT')) continue;
    const pending = await readBundle(client, secretId, { VersionId: versionId, VersionStage: 'AWSPENDING' }).catch(() => null);
    if (pending && (pending.updatedAt ?? 0) > (newest.updatedAt ?? 0)) newest = pending;
  }
  return newest;
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
