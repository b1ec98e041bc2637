import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { commandKeyFromPem, generateCommandKeyPem } from '../../../shared/vcp/command-key';
import { httpEvent } from '../../support/api-events';
import { captureStdoutJson } from '../../support/emf-capture';

const API_SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ApiSecret-abc';
const TOKEN = 'deployed-api-token-0123456789abcdef';
const PEM = generateCommandKeyPem();
const sm = mockClient(SecretsManagerClient);
const ddb = mockClient(DynamoDBDocumentClient);
const saved = { ...process.env };
let handler: (event: ReturnType<typeof httpEvent>, context: Context) => Promise<{ statusCode?: number; body?: string }>;

beforeAll(async () => {
  // The environment CDK gives the function; the secret as the stack generates it, with a key stored beside the token.
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    TABLE_NAME: 'table',
    TESLA_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:TeslaTokens-abc',
    API_SECRET_ID: API_SECRET,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  sm.on(GetSecretValueCommand, { SecretId: process.env.TESLA_SECRET_ID }).resolves({ SecretString: '{}' }); // before npm run login
  sm.on(GetSecretValueCommand, { SecretId: API_SECRET }).resolves({ SecretString: JSON.stringify({ apiToken: TOKEN, vehicleCommandKey: PEM }) });
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(GetCommand).resolves({});
  ({ handler } = await import('../../../functions/api/handler'));
});

afterAll(() => {
  process.env = saved;
  sm.restore();
  ddb.restore();
});

describe('the API Lambda as deployed (cold start from its environment, AWS clients mocked)', () => {
  it('reads its API token out of the API secret and checks it', async () => {
    expect((await handler(httpEvent('GET', '/vehicles', { token: TOKEN }), {} as Context)).statusCode).toBe(200);
    expect((await handler(httpEvent('GET', '/vehicles', { token: 'not-the-token-0123456789' }), {} as Context)).statusCode).toBe(401);
  });

  it('serves the public half of the command key stored beside it, and never the private half', async () => {
    const res = await handler(httpEvent('GET', '/.well-known/appspecific/com.tesla.3p.public-key.pem'), {} as Context);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(commandKeyFromPem(PEM).publicKeyPem);
    expect(res.body).not.toContain('PRIVATE');
  });

  it('publishes a CommandFailures metric when a command fails, and no metric noise otherwise', async () => {
    const quiet = await captureStdoutJson(() => handler(httpEvent('GET', '/vehicles', { token: TOKEN }), {} as Context));
    expect(quiet.lines.some((line) => '_aws' in line)).toBe(false); // no metrics at all on a quiet request
    const failed = await captureStdoutJson(() => handler(httpEvent('POST', '/vehicles/5YJ3E7EB0SF000001/commands/honk_horn', { token: TOKEN }), {} as Context));
    expect(JSON.parse(failed.result!.body!).error.code).toBe('tesla_not_configured');
    const emf = failed.lines.find((line) => '_aws' in line && 'CommandFailures' in line);
    expect(emf).toMatchObject({ CommandFailures: 1, service: 'api' });
  });
});
