import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DeployConfigError, parseDeployConfig, type DeployConfig } from './deploy-config';

/** The owner's deploy settings, kept in their clone (ignored by git) so that every `cdk deploy` uses the same ones. */
export const DEPLOY_CONFIG_FILE = 'deploy.config.json';

export interface LoadedDeployConfig {
  config: DeployConfig;
  /** Where the settings came from, as the synth says it. */
  source: string;
  /** Something the owner should read before deploying (settings that will not be kept). */
  warning: string | null;
}

/**
 * Reads the deploy settings from one place. The file (`deploy.config.json`, or the `configFile` context) holds them
 * for good; with a file, `-c config=…` is refused rather than merged, because a setting given once on the command
 * line and forgotten the next time would silently remove the custom domain, the alarm e-mail or the tuning. Without
 * a file, `-c config=…` still works, with a warning that it is not kept.
 */
export function loadDeployConfig(context: { config?: unknown; configFile?: unknown }, cwd: string): LoadedDeployConfig {
  const fileName = typeof context.configFile === 'string' && context.configFile !== '' ? context.configFile : DEPLOY_CONFIG_FILE;
  const path = resolve(cwd, fileName);
  if (existsSync(path)) {
    if (context.config !== undefined) {
      throw new DeployConfigError(
        `invalid deployment configuration: both ${fileName} and -c config=… are given; the settings are kept in ${fileName} alone, so put them there`,
      );
    }
    return { config: parseDeployConfig(readJson(path, fileName)), source: fileName, warning: null };
  }
  if (context.configFile !== undefined) throw new DeployConfigError(`invalid deployment configuration: ${fileName} does not exist`);
  if (context.config !== undefined) {
    return {
      config: parseDeployConfig(context.config),
      source: '-c config',
      warning: `these settings are not kept: the next deploy without -c config=… resets them (and drops a custom domain or the alarm e-mail). Write them to ${DEPLOY_CONFIG_FILE} instead (see deploy.config.example.json).`,
    };
  }
  return { config: parseDeployConfig(undefined), source: 'defaults', warning: null };
}

function readJson(path: string, fileName: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new DeployConfigError(`invalid deployment configuration: ${fileName} is not valid JSON (${error instanceof Error ? error.message : 'unreadable'})`);
  }
}
