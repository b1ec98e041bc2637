import type { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * How every function is bundled (the stack and `npm run bench:lambda` share it). Source maps keep file and line
 * for stack traces but not the sources themselves, which would triple the package.
 */
export const LAMBDA_BUNDLING = {
  target: 'node22',
  minify: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  /**
   * The AWS SDK goes into the bundle (from its ES modules, tree-shaken) instead of being loaded from the runtime's
   * copy: Node then runs no CommonJS export analysis over hundreds of SDK files at a cold start.
   */
  bundleAwsSdk: true,
  // ESM bundles of CommonJS dependencies still call require().
  banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
} as const;

/** Every function alike: current Node on ARM64, an ESM bundle (minified, with source maps), its own log group. */
export function nodeLambda(
  scope: Construct,
  id: string,
  props: { entry: string; timeout: Duration; environment: Record<string, string>; logRetention: RetentionDays } & Partial<Omit<NodejsFunctionProps, 'logRetention'>>,
): NodejsFunction {
  const { entry, environment, logRetention, ...rest } = props;
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
  // Its own role, allowed to write only to its own log group (instead of the managed AWSLambdaBasicExecutionRole).
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
  return new NodejsFunction(scope, id, {
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    entry: join(ROOT, entry),
    handler: 'handler',
    projectRoot: ROOT,
    depsLockFilePath: join(ROOT, 'package-lock.json'),
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'tesla-fleet-logger',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      ...environment,
    },
    bundling: {
      format: OutputFormat.ESM,
      target: LAMBDA_BUNDLING.target,
      minify: LAMBDA_BUNDLING.minify,
      sourceMap: true,
      sourcesContent: LAMBDA_BUNDLING.sourcesContent,
      mainFields: [...LAMBDA_BUNDLING.mainFields],
      banner: LAMBDA_BUNDLING.banner,
      bundleAwsSDK: LAMBDA_BUNDLING.bundleAwsSdk,
    },
    logGroup,
    role,
    ...rest,
  });
}
