import { App, type AppProps } from 'aws-cdk-lib';
import { addComplianceChecks } from './compliance-checks';
import { loadDeployConfig, type LoadedDeployConfig } from './deploy-config-file';
import { TeslaLoggerStack } from './tesla-logger-stack';

/** The deployable app, with every compliance check attached: what `cdk synth` runs and what the tests synthesise. */
export function buildApp(
  props: AppProps = {},
  env: { account?: string; region?: string } = {},
  cwd = process.cwd(),
): { app: App; stack: TeslaLoggerStack; settings: Omit<LoadedDeployConfig, 'config'> } {
  const app = new App(props);
  const loaded = loadDeployConfig({ config: app.node.tryGetContext('config') as unknown, configFile: app.node.tryGetContext('configFile') as unknown }, cwd);
  const stack = new TeslaLoggerStack(app, 'TeslaFleetLogger', { config: loaded.config, env });
  addComplianceChecks(app);
  return { app, stack, settings: { source: loaded.source, warning: loaded.warning } };
}
