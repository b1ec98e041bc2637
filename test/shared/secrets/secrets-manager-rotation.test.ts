import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  AccessTokenRejectedError,
  FleetApiUnreachableError,
  LoginRequiredError,
  RateLimitedError,
  UnexpectedFleetResponseError,
} from '../../../shared/domain/fleet-errors';
import { rotate, RotationStateError, type RotationEvent } from '../../../shared/secrets/secrets-manager-rotation';
import type { OAuthClient } from '../../../shared/tokens/ports';
import type { TokenBundle } from '../../../shared/tokens/token-bundle';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:tesla-abc';
const CURRENT = { clientId: 'cid', refreshToken: 'rt-current', accessToken: 'at-current', accessTokenExpiresAt: 1 };
const sm = mockClient(SecretsManagerClient);
const logs: string[] = [];
const log = { info: (m: string, e?: object) => logs.push(m + JSON.stringify(e ?? {})), warn: () => undefined, error: () => undefined };

function oauth(answer: () => Promise<{ accessToken: string; refreshToken: string; expiresInSeconds: number; scopes: null }>) {
  const calls: string[] = [];
  const client: OAuthClient = {
    refresh: (input) => {
      calls.push(input.refreshToken);
      return answer();
    },
    exchangeCode: () => Promise.reject(new Error('rotation never exchanges a code')),
  };
  return { client, calls };
}

const event = (Step: RotationEvent['Step']): RotationEvent => ({ Step, SecretId: SECRET, ClientRequestToken: 'v-new' });
const deps = (client: OAuthClient, testAccessToken: (bundle: TokenBundle) => Promise<void> = () => Promise.resolve()) => ({
  client: new SecretsManagerClient({}),
  oauth: client,
  clock: { now: () => 1_000 },
  log,
  testAccessToken,
});

beforeEach(() => {
  sm.reset();
  logs.length = 0;
  sm.on(DescribeSecretCommand).resolves({ RotationEnabled: true, VersionIdsToStages: { 'v-old': ['AWSCURRENT'], 'v-new': ['AWSPENDING'] } });
  sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: JSON.stringify(CURRENT), VersionId: 'v-old' });
});

describe('token rotation', () => {
  it('createSecret refreshes once with the current refresh token and stores the new pair as AWSPENDING', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'v-new', VersionStage: 'AWSPENDING' }).rejects(
      new ResourceNotFoundException({ message: 'no', $metadata: {} }),
    );
    const tesla = oauth(() => Promise.resolve({ accessToken: 'at-next', refreshToken: 'rt-next', expiresInSeconds: 28800, scopes: null }));
    await rotate(event('createSecret'), deps(tesla.client));

    expect(tesla.calls).toEqual(['rt-current']);
    const put = sm.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ SecretId: SECRET, ClientRequestToken: 'v-new', VersionStages: ['AWSPENDING'] });
    expect(JSON.parse(put.SecretString!)).toMatchObject({
      clientId: 'cid',
      refreshToken: 'rt-next',
      accessToken: 'at-next',
      accessTokenExpiresAt: 1_000 + 28_800_000,
    });
    expect(logs.join('\n')).not.toMatch(/rt-next|at-next|rt-current/);
  });

  it('a retried createSecret does not spend another refresh token', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'v-new', VersionStage: 'AWSPENDING' }).resolves({ SecretString: '{}' });
    const tesla = oauth(() => Promise.reject(new Error('must not be called')));
    await rotate(event('createSecret'), deps(tesla.client));
    expect(tesla.calls).toEqual([]);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('a crash after Tesla answered is recovered by refreshing again with the still-current token', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'v-new', VersionStage: 'AWSPENDING' }).rejects(
      new ResourceNotFoundException({ message: 'no', $metadata: {} }),
    );
    sm.on(PutSecretValueCommand).rejectsOnce(new Error('function killed')).resolves({});
    const tesla = oauth(() => Promise.resolve({ accessToken: 'a', refreshToken: 'r', expiresInSeconds: 10, scopes: null }));
    await expect(rotate(event('createSecret'), deps(tesla.client))).rejects.toThrow('function killed');
    await rotate(event('createSecret'), deps(tesla.client));
    // Both attempts used the AWSCURRENT refresh token, which Tesla honours for 24 h after its last use.
    expect(tesla.calls).toEqual(['rt-current', 'rt-current']);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(2);
  });

  it('surfaces login_required from Tesla and stores nothing', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'v-new', VersionStage: 'AWSPENDING' }).rejects(
      new ResourceNotFoundException({ message: 'no', $metadata: {} }),
    );
    const tesla = oauth(() => Promise.reject(new LoginRequiredError('login_required')));
    await expect(rotate(event('createSecret'), deps(tesla.client))).rejects.toBeInstanceOf(LoginRequiredError);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('testSecret proves the pending access token works', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'v-new', VersionStage: 'AWSPENDING' }).resolves({
      SecretString: JSON.stringify({ ...CURRENT, refreshToken: 'rt-next', accessToken: 'at-pending', accessTokenExpiresAt: 8 * 3_600_000 }),
    });
    const tested: string[] = [];
    await rotate(
      event('testSecret'),
      deps(oauth(() => Promise.reject(new Error('no'))).client, (b) => (tested.push(b.accessToken ?? 'none'), Promise.resolve())),
    );
    expect(tested).toEqual(['at-pending']);
    await expect(
      rotate(
        event('testSecret'),
        deps(oauth(() => Promise.reject(new Error('no'))).client, () => Promise.reject(new Error('rejected'))),
      ),
    ).rejects.toThrow('rejected');
  });

  it('testSecret lets a Tesla hiccup pass (the pair came from Tesla, and the old one is retired), and skips an expired token', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'v-new', VersionStage: 'AWSPENDING' }).resolves({
      SecretString: JSON.stringify({ ...CURRENT, refreshToken: 'rt-next', accessToken: 'at-pending', accessTokenExpiresAt: 8 * 3_600_000 }),
    });
    const none = oauth(() => Promise.reject(new Error('no'))).client;
    for (const hiccup of [
      new FleetApiUnreachableError('socket hang up'),
      new UnexpectedFleetResponseError('Fleet API answered 503', 503),
      new RateLimitedError(30),
    ]) {
      await expect(
        rotate(
          event('testSecret'),
          deps(none, () => Promise.reject(hiccup)),
        ),
      ).resolves.toBeUndefined();
    }
    await expect(
      rotate(
        event('testSecret'),
        deps(none, () => Promise.reject(new AccessTokenRejectedError())),
      ),
    ).rejects.toBeInstanceOf(AccessTokenRejectedError);

    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'v-new', VersionStage: 'AWSPENDING' }).resolves({
      SecretString: JSON.stringify({ ...CURRENT, refreshToken: 'rt-next', accessToken: 'at-old-pending' }),
    });
    const tested: string[] = [];
    await rotate(
      event('testSecret'),
      deps(none, (b) => (tested.push(b.accessToken ?? 'none'), Promise.resolve())),
    );
    expect(tested).toEqual([]);
  });

  it('finishSecret moves AWSCURRENT to the new version', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'v-new', VersionStage: 'AWSPENDING' }).resolves({
      SecretString: JSON.stringify({ ...CURRENT, refreshToken: 'rt-next', updatedAt: 1_000 }),
    });
    await rotate(event('finishSecret'), deps(oauth(() => Promise.reject(new Error('no'))).client));
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)[0]!.args[0].input).toEqual({
      SecretId: SECRET,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: 'v-new',
      RemoveFromVersionId: 'v-old',
    });
  });

  it('a step re-run after finishSecret already promoted the version does nothing', async () => {
    sm.on(DescribeSecretCommand).resolves({ RotationEnabled: true, VersionIdsToStages: { 'v-old': ['AWSPREVIOUS'], 'v-new': ['AWSCURRENT', 'AWSPENDING'] } });
    const tesla = oauth(() => Promise.reject(new Error('must not be called')));
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await rotate(event(step), deps(tesla.client));
    expect(tesla.calls).toEqual([]);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });

  it('setSecret has nothing to change at Tesla and touches nothing', async () => {
    const tesla = oauth(() => Promise.reject(new Error('must not be called')));
    await rotate(event('setSecret'), deps(tesla.client));
    expect(tesla.calls).toEqual([]);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('before the first login ({} in the secret) no step calls Tesla or stores anything, and the version is withdrawn', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: '{}', VersionId: 'v-old' });
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'v-new', VersionStage: 'AWSPENDING' }).rejects(
      new ResourceNotFoundException({ message: 'no', $metadata: {} }),
    );
    const tesla = oauth(() => Promise.reject(new Error('must not be called')));
    const tested: string[] = [];
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
      await rotate(
        event(step),
        deps(tesla.client, (b) => (tested.push(b.accessToken ?? 'none'), Promise.resolve())),
      );
    }
    expect(tesla.calls).toEqual([]);
    expect(tested).toEqual([]);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(sm.commandCalls(UpdateSecretVersionStageCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: SECRET, VersionStage: 'AWSPENDING', RemoveFromVersionId: 'v-new' },
    ]);
  });

  it.each([
    ['no value', undefined],
    ['{}', '{}'],
    ['not JSON', 'garbage'],
    ['the current pair again', JSON.stringify(CURRENT)],
    ['an older pair', JSON.stringify({ ...CURRENT, refreshToken: 'rt-before', updatedAt: 500 })],
  ])('finishSecret never promotes a pending version holding %s: it withdraws it', async (_what, value) => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' }).resolves({
      SecretString: JSON.stringify({ ...CURRENT, updatedAt: 900 }),
      VersionId: 'v-old',
    });
    const pending = sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'v-new', VersionStage: 'AWSPENDING' });
    if (value === undefined) pending.rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
    else pending.resolves({ SecretString: value });
    await rotate(event('finishSecret'), deps(oauth(() => Promise.reject(new Error('no'))).client));
    expect(sm.commandCalls(UpdateSecretVersionStageCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: SECRET, VersionStage: 'AWSPENDING', RemoveFromVersionId: 'v-new' },
    ]);
  });

  it('testSecret of Secrets Manager’s own configuration test passes, even before rotation reads as enabled', async () => {
    sm.on(DescribeSecretCommand).resolves({ RotationEnabled: false, VersionIdsToStages: { 'v-old': ['AWSCURRENT'], 'v-test': ['AWSPENDING'] } });
    await expect(
      rotate({ ...event('testSecret'), ClientRequestToken: 'v-test' }, deps(oauth(() => Promise.reject(new Error('no'))).client)),
    ).resolves.toBeUndefined();
    sm.on(DescribeSecretCommand).resolves({ RotationEnabled: true, VersionIdsToStages: { 'v-old': ['AWSCURRENT'] } });
    await expect(
      rotate({ ...event('testSecret'), ClientRequestToken: 'v-gone' }, deps(oauth(() => Promise.reject(new Error('no'))).client)),
    ).resolves.toBeUndefined();
  });

  it('refuses a version that is not pending', async () => {
    sm.on(DescribeSecretCommand).resolves({ RotationEnabled: true, VersionIdsToStages: { 'v-old': ['AWSCURRENT'], 'v-new': [] } });
    await expect(rotate(event('createSecret'), deps(oauth(() => Promise.reject(new Error('no'))).client))).rejects.toBeInstanceOf(RotationStateError);
  });
});
