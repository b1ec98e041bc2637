import { App } from 'aws-cdk-lib';
import { parseDeployConfig } from './cdk/deploy-config';
import { TeslaLoggerStack } from './cdk/tesla-logger-stack';

const app = new App();
new TeslaLoggerStack(app, 'TeslaFleetLogger', {
  config: parseDeployConfig(app.node.tryGetContext('config')),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
