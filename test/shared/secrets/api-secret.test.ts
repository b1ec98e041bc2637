import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { ApiSecretFormatError, SecretsManagerApiSecret } from '../../../shared/secrets/api-secret';
import { SecretsManagerCommandKeyStore } from '../../../shared/secrets/command-key-stores';
import { generateCommandKeyPem } from '../../../shared/vcp/command-key';

const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:api-abc';
const sm = mockClient(SecretsManagerClient);

/** A secret that keeps what was last put, as Secrets Manager's AWSCURRENT would. */
function holding(initial: string): { value: () => string } {
  let value = initial;
  sm.on(GetSecretValueCommand, { SecretId: ARN }).callsFake(() => ({ SecretString: value }));
  sm.on(PutSecretValueCommand, { SecretId: ARN }).callsFake((input: { SecretString: string }) => {
    value = input.SecretString;
    return {};
  });
  return { value: () => value };
}

beforeEach(() => {
  sm.reset();
});

describe('the API secret', () => {
  it('stores the command key beside the generated API token, keeping the token', async () => {
    const secret = holding('{"apiToken":"generated-at-deploy"}');
    const keys = new SecretsManagerCommandKeyStore(new SecretsManagerApiSecret(new SecretsManagerClient({}), ARN));
    expect(await keys.readPem()).toBeNull();
    const pem = generateCommandKeyPem();
    await keys.writePem(pem);
    expect(await keys.readPem()).toBe(pem);
    expect(JSON.parse(secret.value())).toEqual({ apiToken: 'generated-at-deploy', vehicleCommandKey: pem });
  });

  it('rotates the API token without losing the command key', async () => {
    const pem = generateCommandKeyPem();
    holding(JSON.stringify({ apiToken: 'old', vehicleCommandKey: pem }));
    const secret = new SecretsManagerApiSecret(new SecretsManagerClient({}), ARN);
    await secret.update({ apiToken: 'new' });
    expect(await secret.read()).toEqual({ apiToken: 'new', vehicleCommandKey: pem, readTokens: [] });
  });

  it('refuses a value that is not a JSON object, without repeating it, and writes nothing', async () => {
    holding('plain-token-value');
    const secret = new SecretsManagerApiSecret(new SecretsManagerClient({}), ARN);
    await expect(secret.read()).rejects.toBeInstanceOf(ApiSecretFormatError);
    const error = await secret.update({ vehicleCommandKey: 'x' }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ApiSecretFormatError);
    expect((error as Error).message).not.toContain('plain-token-value');
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });
});
