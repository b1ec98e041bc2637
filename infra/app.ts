import { buildApp } from './cdk/build-app';

const { app } = buildApp({}, { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION });
app.synth();
