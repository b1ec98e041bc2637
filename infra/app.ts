import { buildApp } from './cdk/build-app';
import { DeployConfigError } from './cdk/deploy-config';

try {
  const { app } = buildApp({}, { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION });
  app.synth();
} catch (error) {
  // A configuration mistake is one clear line naming the key, not a stack trace.
  if (!(error instanceof DeployConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
