import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerApiSecret } from '../../shared/secrets/api-secret';
import { readIfExists } from '../../shared/secrets/owner-only-file';
import { FileReadTokenStore, SecretsManagerReadTokenStore, type ReadTokenStore } from '../../shared/secrets/read-token-stores';
import { addReadToken, revokeReadToken } from '../../shared/secrets/read-tokens';
import { dataDirOf, dataFile } from './data-files';

const USAGE = `npm run api-token -- [--secret-id ARN | --data-dir DIR] [action]

Without an action, prints the owner's API token: from the API secret (--secret-id, the ApiSecretArn stack output),
or DATA_DIR/api-token for \`npm start\` (default ./.data).

  --read-only --name NAME   make a read-only token (history, state, usage; no commands or edits) and print it once;
                            only its SHA-256 is stored. For a shared dashboard or a home-automation integration.
  --revoke NAME             revoke that read-only token
  --list                    list the read-only tokens (names and dates; the tokens themselves are not kept)
  --rotate                  (AWS) replace the owner's token with a new random one, keeping everything else in the
                            secret

In AWS a change takes effect within 5 minutes (the API caches the secret); locally at once.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'secret-id': { type: 'string' },
      'data-dir': { type: 'string' },
      rotate: { type: 'boolean' },
      'read-only': { type: 'boolean' },
      name: { type: 'string' },
      revoke: { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return console.log(USAGE);
  const secretId = values['secret-id'];
  const dataDir = dataDirOf(values['data-dir']);
  const secret = secretId ? new SecretsManagerApiSecret(new SecretsManagerClient({}), secretId) : null;
  const readTokens: ReadTokenStore = secret ? new SecretsManagerReadTokenStore(secret) : new FileReadTokenStore(dataFile(dataDir, 'readTokens'));

  if (values['read-only']) {
    if (!values.name) throw new Error('--read-only needs --name NAME (say who will use it, e.g. --name ha)');
    const { token, records } = addReadToken(await readTokens.read(), values.name, Date.now());
    await readTokens.write(records);
    console.error(`Read-only token '${values.name}' created. It is shown only now; revoke it with --revoke ${values.name}.`);
    return console.log(token);
  }
  if (values.revoke !== undefined) {
    await readTokens.write(revokeReadToken(await readTokens.read(), values.revoke));
    return console.log(`Revoked the read-only token '${values.revoke}'.`);
  }
  if (values.list) {
    const records = await readTokens.read();
    if (records.length === 0) return console.log('No read-only tokens.');
    for (const r of records) console.log(`${r.name}\tread-only\tcreated ${r.createdAt}`);
    return;
  }
  if (secret === null) {
    if (values.rotate) throw new Error('--rotate is for the deployed API; locally, delete DATA_DIR/api-token and restart `npm start`');
    const token = (await readIfExists(dataFile(dataDir, 'apiToken')))?.trim();
    if (!token) throw new Error(`no ${dataFile(dataDir, 'apiToken')} yet: run \`npm start\` once (or pass --secret-id for AWS)`);
    return console.log(token);
  }
  if (values.rotate) await secret.update({ apiToken: randomBytes(36).toString('base64url') });
  const token = (await secret.read()).apiToken;
  if (token === null) throw new Error('the API secret holds no apiToken');
  console.log(token);
}

main().catch((error: unknown) => {
  console.error(`api-token failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
