import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerApiSecret } from '../../shared/secrets/api-secret';

const USAGE = `npm run api-token -- --secret-id ARN [--rotate]

Prints the deployed API's bearer token from the API secret (the ApiSecretArn stack output). With --rotate it first
replaces the token with a new random one, keeping the vehicle command key stored beside it. The API accepts the new
token within 5 minutes, and stops accepting the old one then too.`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'secret-id': { type: 'string' }, rotate: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) return console.log(USAGE);
  if (!values['secret-id']) throw new Error('--secret-id is required (the ApiSecretArn stack output)');
  const secret = new SecretsManagerApiSecret(new SecretsManagerClient({}), values['secret-id']);
  if (values.rotate) await secret.update({ apiToken: randomBytes(36).toString('base64url') });
  const token = (await secret.read()).apiToken;
  if (token === null) throw new Error('the API secret holds no apiToken');
  console.log(token);
}

main().catch((error: unknown) => {
  console.error(`api-token failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
