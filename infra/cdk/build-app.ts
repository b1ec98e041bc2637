import { App, type AppProps } from 'aws-cdk-lib';
import { addComplianceChecks } from './compliance-checks';
import { parseDeployConfig } from './deploy-config';
import { TeslaLoggerStack } from './tesla-logger-stack';

/** The deployable app, with every compliance check attached: what `cdk synth` runs and what the tests synthesise. */
export function buildApp(props: AppProps = {}, env: { account?: string; region?: string } = {}): { app: App; stack: TeslaLoggerStack } {
  const app = new App(props);
  const stack = new TeslaLoggerStack(app, 'TeslaFleetLogger', { config: parseDeployConfig(app.node.tryGetContext('config')), env });
  addComplianceChecks(app);
  return { app, stack };
}
