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
import { needsRenewal, parseTokenBundle, TokenBundleInvalidError, type TokenBundle } from '../tokens/token-bundle';
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
 *
 * Before the owner's first login the secret holds `{}`: there is nothing to rotate, and every step passes without
 * touching Tesla or leaving a pending version behind. That matters at deploy time too: with RotateImmediately=false,
 * creating the rotation schedule runs testSecret on a fresh AWSPENDING version, and a failure there fails the deploy.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html (RotateImmediately)
 */
export async function rotate(event: RotationEvent, deps: RotationDeps): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const described = await deps.client.send(new DescribeSecretCommand({ SecretId: secretId }));
  const stages = described.VersionIdsToStages ?? {};
  const tokenStages = stages[token];
  if (step === 'testSecret' && (described.RotationEnabled === false || tokenStages === undefined)) {
    // Secrets Manager's own test of the configuration: only our pending pair, if there is one, is ours to test.
    deps.log.info('token rotation: testSecret with no rotation of ours under way; nothing to test');
    return;
  }
  if (described.RotationEnabled === false) throw new RotationStateError('rotation is not enabled on the secret');
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
  const current = await currentBundle(deps.client, secretId);
  if (current === null) {
    deps.log.info('token rotation: not logged in yet (the secret holds no token bundle); nothing to rotate');
    return;
  }
  const base = await newestBundle(deps.client, secretId, stages, token, current);
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
  const pending = await pendingBundle(deps.client, secretId, token);
  if (pending === null) {
    // No pair of ours: Secrets Manager testing the function on a version it made, or a secret not logged in yet.
    deps.log.info('token rotation: no pending token pair to test');
    return;
  }
  const current = await currentBundle(deps.client, secretId);
  if (current !== null && !isNewer(pending, current)) {
    // Left by a rotation from before the current pair (say, before a new login): Tesla may have retired it, so a
    // failed test would block every later rotation. finishSecret withdraws it instead.
    deps.log.info('token rotation: the pending pair is older than the current one; not tested, to be withdrawn');
    return;
  }
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
    deps.log.warn('token rotation: the test call did not get an answer; promoting the pair Tesla issued', {
      error: error instanceof Error ? error.name : 'unknown',
    });
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
async function newestBundle(
  client: SecretsManagerClient,
  secretId: string,
  stages: Record<string, string[]>,
  exceptVersion: string,
  current: TokenBundle,
): Promise<TokenBundle> {
  let newest = current;
  for (const [versionId, labels] of Object.entries(stages)) {
    if (versionId === exceptVersion || !labels.includes('AWSPENDING') || labels.includes('AWSCURRENT')) continue;
    const pending = await readBundle(client, secretId, { VersionId: versionId, VersionStage: 'AWSPENDING' }).catch(() => null);
    if (pending && (pending.updatedAt ?? 0) > (newest.updatedAt ?? 0)) newest = pending;
  }
  return newest;
}

/**
 * Promotes the pending pair, if it is one and newer than the current one. Anything else is withdrawn: its AWSPENDING
 * label is removed, so that no stale value is left to be promoted by a later re-attempt and RotateSecret can start
 * afresh. That covers a secret not logged in yet, and a rotation left unfinished before the owner signed in again
 * (its pair is older than the login's, and Tesla has retired it).
 */
async function finish(secretId: string, token: string, stages: Record<string, string[]>, deps: RotationDeps): Promise<void> {
  const currentVersion = Object.entries(stages).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
  if (currentVersion === token) return;
  const [pending, current] = await Promise.all([pendingBundle(deps.client, secretId, token), currentBundle(deps.client, secretId)]);
  const why = pending === null ? 'it holds no token pair' : current !== null && !isNewer(pending, current) ? 'it is not newer than the current pair' : null;
  if (why !== null) {
    await deps.client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSPENDING', RemoveFromVersionId: token }));
    deps.log.warn(`token rotation: the pending version was withdrawn, not promoted: ${why}`);
    return;
  }
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

/** Newer: another refresh token, issued no earlier (a pair Tesla issued after the current one). */
function isNewer(candidate: TokenBundle, current: TokenBundle): boolean {
  return candidate.refreshToken !== current.refreshToken && (candidate.updatedAt ?? 0) >= (current.updatedAt ?? 0);
}

/** AWSCURRENT as a bundle, or null when the owner has not logged in (`{}`, empty) or it is not a bundle. */
async function currentBundle(client: SecretsManagerClient, secretId: string): Promise<TokenBundle | null> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }));
  try {
    return parseTokenBundle(out.SecretString ?? '');
  } catch {
    return null;
  }
}

/** The rotation's pending pair, or null when the version has no value yet or its value is not a bundle. */
async function pendingBundle(client: SecretsManagerClient, secretId: string, token: string): Promise<TokenBundle | null> {
  try {
    return await readBundle(client, secretId, { VersionId: token, VersionStage: 'AWSPENDING' });
  } catch (error) {
    if (error instanceof ResourceNotFoundException || error instanceof TokenBundleInvalidError) return null;
    throw error;
  }
}

async function readBundle(client: SecretsManagerClient, secretId: string, version: { VersionId?: string; VersionStage: string }): Promise<TokenBundle> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, ...version }));
  return parseTokenBundle(out.SecretString ?? '');
}
