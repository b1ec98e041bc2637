import type { Duration } from 'aws-cdk-lib';
import { Architecture, Function as LambdaFunction, type FunctionProps } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { bundledCode, LAMBDA_RUNTIME } from './lambda-bundle';

/**
 * How stack traces find their way back to the TypeScript. `node`: Node maps every stack (`--enable-source-maps`),
 * which reads and indexes each loaded chunk's map at a cold start. `when-logged`: the function maps the stacks it
 * logs itself, reading a map only then (`sourceMappedStack`); for the API, whose cold start a person waits for.
 */
export type StackMapping = 'node' | 'when-logged';

/** The Node options a function runs with, for its stack mapping (`npm run bench:lambda` imports with the same). */
export function nodeOptionsFor(stackMapping: StackMapping): string[] {
  return stackMapping === 'node' ? ['--enable-source-maps'] : [];
}

/** Every function alike: current Node on ARM64, ESM chunks bundled by `bundledCode`, its own log group. */
export function nodeLambda(
  scope: Construct,
  id: string,
  props: { entry: string; timeout: Duration; environment: Record<string, string>; logRetention: RetentionDays; stackMapping?: StackMapping } & Partial<
    Omit<FunctionProps, 'logRetention' | 'code' | 'handler' | 'runtime'>
  >,
): LambdaFunction {
  const { entry, environment, logRetention, stackMapping = 'node', ...rest } = props;
  const nodeOptions = nodeOptionsFor(stackMapping).join(' ');
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
  // Its own role, allowed to write only to its own log group (instead of the managed AWSLambdaBasicExecutionRole).
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
  return new LambdaFunction(scope, id, {
    runtime: LAMBDA_RUNTIME,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    code: bundledCode(entry),
    handler: 'index.handler',
    environment: {
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      POWERTOOLS_SERVICE_NAME: 'tesla-fleet-logger',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      ...environment,
    },
    logGroup,
    role,
    ...rest,
  });
}
