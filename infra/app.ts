import { buildApp } from './cdk/build-app';
import { DeployConfigError } from './cdk/deploy-config';

try {
  const { app, settings } = buildApp({}, { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION });
  // On stderr: the CDK reads the app's stdout for nothing, but `cdk synth` prints the template there.
  console.error(`deploy settings: ${settings.source}`);
  if (settings.warning) console.error(`warning: ${settings.warning}`);
  app.synth();
} catch (error) {
  // A configuration mistake is one clear line naming the key, not a stack trace.
  if (!(error instanceof DeployConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
