import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { getGlobalDispatcher, MockAgent, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { captureStdoutJson } from '../../support/emf-capture';

const AUTH = 'https://fleet-auth.prd.vn.cloud.tesla.com';
const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:TeslaTokens-abc';
const CURRENT = { clientId: 'cid', refreshToken: 'rt-used-too-late', accessToken: 'at-old', accessTokenExpiresAt: 1 };
const sm = mockClient(SecretsManagerClient);
const agent = new MockAgent();
const saved = { env: { ...process.env }, dispatcher: null as Dispatcher | null };
let handler: (event: unknown, context: Context) => Promise<void>;

beforeAll(async () => {
  Object.assign(process.env, { AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT' });
  sm.on(DescribeSecretCommand).resolves({ RotationEnabled: true, VersionIdsToStages: { 'v-old': ['AWSCURRENT'], 'v-new': ['AWSPENDING'] } });
  sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: JSON.stringify(CURRENT), VersionId: 'v-old' });
  sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'v-new', VersionStage: 'AWSPENDING' }).rejects(
    new ResourceNotFoundException({ message: 'none', $metadata: {} }),
  );
  agent.disableNetConnect();
  agent
    .get(AUTH)
    .intercept({ path: '/oauth2/v3/token', method: 'POST' })
    .reply(401, JSON.stringify({ error: 'login_required', error_description: 'The refresh_token is expired or revoked' }), {
      headers: { 'content-type': 'application/json' },
    });
  saved.dispatcher = getGlobalDispatcher();
  setGlobalDispatcher(agent);
  ({ handler } = (await import('../../../functions/token-rotation/handler')) as unknown as { handler: typeof handler });
});

afterAll(async () => {
  process.env = saved.env;
  if (saved.dispatcher) setGlobalDispatcher(saved.dispatcher);
  await agent.close();
  sm.restore();
});

describe('the rotation Lambda as deployed, when Tesla says the login is lost', () => {
  it('fails the step, writes nothing, and publishes the metrics the login-lost alarm reads', async () => {
    const { error, lines: emf } = await captureStdoutJson(() =>
      handler({ Step: 'createSecret', SecretId: SECRET, ClientRequestToken: 'v-new' }, {} as Context),
    );
    expect(error).toBeInstanceOf(Error);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(emf).toContainEqual(expect.objectContaining({ TeslaLoginRequired: 1, service: 'token-rotation' }));
    expect(emf).toContainEqual(expect.objectContaining({ TokenRotationFailures: 1, service: 'token-rotation' }));
    expect(JSON.stringify(emf)).not.toContain('rt-used-too-late');
  });
});
