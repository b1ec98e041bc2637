import { keptQueue } from './kept-queue';
import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import { tunablesEnvironment } from '../../shared/config/tunables';
import type { CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFn, IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { COLLECTOR_TIMEOUT_MS } from '../../shared/domain/collector-run';
import { ROTATION_INTERVAL_HOURS } from '../../shared/tokens/token-bundle';
import type { Construct } from 'constructs';
import { TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/store/table-schema';
import type { DeployConfig } from './deploy-config';
import { ApiDomain } from './api-domain';
import { pinServiceInvokesToAccount } from './compliance-checks';
import { acknowledgeFindings } from './stack-findings';
import { TABLE_ACTIONS } from './table-grants';
import { nodeLambda } from './node-lambda';
import { Automations } from './automations';
import { OwnerAlarms } from './owner-alarms';
import { StreamingReceiver } from './streaming-receiver';

export interface TeslaLoggerStackProps extends StackProps {
  config: DeployConfig;
}

/**
 * The table and both secrets hold what an owner cannot get back: the history, the Tesla login, the key their cars
 * paired. They survive a stack update that would replace them and a `cdk destroy`; but a first deploy that fails
 * and rolls back deletes them (RetainExceptOnCreate), so it leaves nothing orphaned that blocks the next try.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
 */
export const STATEFUL_REMOVAL = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;

/** Rotate well inside the access token's 8-hour life (4 h is Secrets Manager's shortest schedule). */
export const TOKEN_ROTATION_EVERY = Duration.hours(ROTATION_INTERVAL_HOURS);

interface StatefulResources {
  table: TableV2;
  teslaTokens: Secret;
  apiSecret: Secret;
}

interface StackFunctions {
  /** What every reader function is given: the table, the secrets, the settings. */
  readerEnv: Record<string, string>;
  apiFn: LambdaFn;
  collectorFn: LambdaFn;
  rotationFn: LambdaFn;
  runnerFn: LambdaFn;
  automations: Automations;
  logRetention: RetentionDays;
}

/**
 * The whole deployment: the table, the two secrets (Tesla tokens with their rotation, the API token), the API,
 * collector and rotation functions, the HTTP API and the collector's schedule.
 */
export class TeslaLoggerStack extends Stack {
  constructor(scope: Construct, id: string, props: TeslaLoggerStackProps) {
    super(scope, id, props);
    const { config } = props;
    const state = this.statefulResources();
    // E-mail notifications: a topic of their own, so the owner can follow them apart from the alarms.
    const notifyTopic = config.notifyEmail ? new Topic(this, 'Notifications', { displayName: 'Tesla Fleet logger', enforceSSL: true }) : null;
    if (notifyTopic) notifyTopic.addSubscription(new EmailSubscription(config.notifyEmail!));
    const fns = this.functions(config, state, notifyTopic);
    this.grantAccess(state, fns, notifyTopic);
    const { httpApi, accessLogs } = this.httpApi(fns.apiFn, fns.logRetention);
    const collectorDlq = this.collectorSchedule(config, fns.collectorFn);
    const { apiFn, collectorFn, rotationFn, runnerFn, automations } = fns;
    if (config.customDomainName && config.certificateArn) {
      new ApiDomain(this, 'ApiDomain', {
        httpApi,
        domainName: config.customDomainName,
        certificateArn: config.certificateArn,
        ...(config.hostedZoneId && config.hostedZoneName ? { hostedZone: { id: config.hostedZoneId, name: config.hostedZoneName } } : {}),
      });
    }

    // Streaming only when the owner names the receiver's host: otherwise none of it exists, and nothing of it is billed.
    const streaming = config.telemetryHostName
      ? new StreamingReceiver(this, 'Streaming', {
          hostName: config.telemetryHostName,
          image: config.receiverImage,
          table: state.table,
          environment: fns.readerEnv,
          logRetention: fns.logRetention,
          ...(config.hostedZoneId && config.hostedZoneName ? { hostedZone: { id: config.hostedZoneId, name: config.hostedZoneName } } : {}),
        })
      : null;
    // The API configures the cars for it (PUT /streaming): it reads the receiver's CA, and writes the VINs the
    // receiver's bridge takes records for; no other parameter.
    // The collector leaves a car that streams to the stream: it only needs to know streaming is on.
    if (streaming) {
      for (const fn of [apiFn, collectorFn]) {
        fn.addEnvironment('RECEIVER_HOST', config.telemetryHostName!);
        fn.addEnvironment('RECEIVER_CA_PARAMETER', streaming.caParameter);
      }
      apiFn.addEnvironment('RECEIVER_VINS_PARAMETER', streaming.vinsParameter);
      apiFn.addToRolePolicy(new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [streaming.caParameterArn] }));
      apiFn.addToRolePolicy(new PolicyStatement({ actions: ['ssm:PutParameter'], resources: [streaming.vinsParameterArn] }));
    }

    new OwnerAlarms(this, 'Alarms', {
      alarmEmail: config.alarmEmail,
      rotationFn,
      collectorFn,
      ...(streaming ? { streaming: { deadLetters: streaming.deadLetters, instanceId: streaming.instance.instanceId } } : {}),
    });

    pinServiceInvokesToAccount(this);
    acknowledgeFindings(this, {
      apiSecret: state.apiSecret,
      httpApi,
      collectorDlq,
      automationDlq: automations.deadLetters,
      rotationFn,
      logGroups: [accessLogs, ...[apiFn, collectorFn, rotationFn, runnerFn, ...(streaming ? [streaming.recorderFn] : [])].map((f) => f.logGroup)],
      streaming,
    });

    new CfnOutput(this, 'ApiUrl', { value: httpApi.apiEndpoint });
    new CfnOutput(this, 'ApiSecretArn', {
      value: state.apiSecret.secretArn,
      description: 'Read the API token with `npm run api-token -- --secret-id <this>`; store the command key with `npm run keys -- --secret-id <this>`',
    });
    new CfnOutput(this, 'TeslaTokenSecretArn', { value: state.teslaTokens.secretArn });
    new CfnOutput(this, 'TableName', { value: state.table.tableName });
  }

  /** What an owner cannot get back (the history, the Tesla login, the API secret with the paired key): kept. */
  private statefulResources(): StatefulResources {
    const table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      removalPolicy: STATEFUL_REMOVAL,
    });

    const teslaTokens = new Secret(this, 'TeslaTokens', {
      description: 'Tesla Fleet API OAuth tokens (JSON). Seed with `npm run login -- --secret-id <arn>`; rotated by the TokenRotation function.',
      // Empty until the owner logs in; the system reports "not configured" until then.
      secretStringValue: SecretValue.unsafePlainText('{}'),
      removalPolicy: STATEFUL_REMOVAL,
    });
    // One secret for what only the API reads: its bearer token (generated here) and, once `npm run keys` stores it,
    // the vehicle command private key. Secrets Manager bills per secret, so two would cost $0.40 a month more.
    const apiSecret = new Secret(this, 'ApiSecret', {
      description:
        'API bearer token (apiToken, generated at deploy; read or rotate with `npm run api-token`) and the vehicle command private key (vehicleCommandKey, PEM; create with `npm run keys`).',
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'apiToken', passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: STATEFUL_REMOVAL,
    });

    return { table, teslaTokens, apiSecret };
  }

  /** The four functions: the API, the collector, the token rotation and the automation runner. */
  private functions(config: DeployConfig, state: StatefulResources, notifyTopic: Topic | null): StackFunctions {
    const { table, teslaTokens, apiSecret } = state;
    const common = {
      TESLA_FLEET_API_URL: config.fleetApiUrl,
      TESLA_REGION_FIXED: String(config.regionFixed),
    };
    const readerEnv = {
      ...(notifyTopic ? { NOTIFY_TOPIC_ARN: notifyTopic.topicArn } : {}),
      ...common,
      TABLE_NAME: table.tableName,
      TESLA_SECRET_ID: teslaTokens.secretArn,
      API_SECRET_ID: apiSecret.secretArn,
      ...tunablesEnvironment(config),
    };

    const logRetention = config.logRetentionDays as RetentionDays;
    const apiFn = nodeLambda(this, 'ApiFunction', {
      entry: 'functions/api/handler.ts',
      timeout: Duration.seconds(29),
      environment: readerEnv,
      logRetention,
      // Every error the API logs goes through its error middleware, which maps the stack.
      stackMapping: 'when-logged',
    });
    const automations = new Automations(this, 'Automations', { environment: readerEnv, logRetention, apiFn });
    for (const [name, value] of Object.entries(automations.apiEnvironment)) apiFn.addEnvironment(name, value);
    const runnerFn = automations.runnerFn;
    // No reserved concurrency: a new account's limit is 10 and AWS keeps 10 unreserved, so reserving even 1 fails
    // the deploy. Runs are kept apart by a lease in the table instead (domain/collector-run).
    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
    const collectorFn = nodeLambda(this, 'CollectorFunction', {
      entry: 'functions/collector/handler.ts',
      timeout: Duration.millis(COLLECTOR_TIMEOUT_MS),
      environment: readerEnv,
      logRetention,
    });
    const rotationFn = nodeLambda(this, 'TokenRotationFunction', {
      entry: 'functions/token-rotation/handler.ts',
      timeout: Duration.minutes(1),
      environment: common,
      logRetention,
    });

    return { readerEnv, apiFn, collectorFn, rotationFn, runnerFn, automations, logRetention };
  }

  /** Each function's access: exactly the table actions it uses, the secrets it reads, the topic it publishes to. */
  private grantAccess(state: StatefulResources, fns: StackFunctions, notifyTopic: Topic | null): void {
    const { table, teslaTokens, apiSecret } = state;
    const { apiFn, collectorFn, rotationFn, runnerFn } = fns;
    // Exactly the table actions each function's code sends (table-grants.ts).
    const tableActions = (fn: IFunction, actions: readonly string[]): void => {
      fn.addToRolePolicy(new PolicyStatement({ actions: actions.map((a) => `dynamodb:${a}`), resources: [table.tableArn] }));
    };
    tableActions(apiFn, TABLE_ACTIONS.api);
    tableActions(collectorFn, TABLE_ACTIONS.collector);
    tableActions(runnerFn, TABLE_ACTIONS.runner);
    if (notifyTopic) for (const fn of [apiFn, collectorFn, runnerFn]) notifyTopic.grantPublish(fn);
    apiSecret.grantRead(apiFn);
    // The runner signs commands with the key in the API secret, as the API does.
    apiSecret.grantRead(runnerFn);
    for (const reader of [apiFn, collectorFn, runnerFn]) {
      teslaTokens.grantRead(reader);
      // Readers never write tokens: they may only ask for a rotation and watch it happen. RotateSecret also needs
      // lambda:InvokeFunction on the rotation function, or every call is refused with AccessDenied.
      // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html
      reader.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:RotateSecret'], resources: [teslaTokens.secretArn] }));
      reader.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [rotationFn.functionArn] }));
    }
    teslaTokens.addRotationSchedule('Rotation', {
      rotationLambda: rotationFn,
      automaticallyAfter: TOKEN_ROTATION_EVERY,
      rotateImmediatelyOnUpdate: false,
    });
  }

  /** The HTTP API in front of the API function, throttled, with an access log that holds nothing secret. */
  private httpApi(apiFn: IFunction, logRetention: RetentionDays): { httpApi: HttpApi; accessLogs: LogGroup } {
    const httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Tesla Fleet logger API',
      defaultIntegration: new HttpLambdaIntegration('ApiIntegration', apiFn),
    });
    const stage = httpApi.defaultStage?.node.defaultChild as CfnStage;
    stage.defaultRouteSettings = { throttlingBurstLimit: 20, throttlingRateLimit: 10 };
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      // No headers, no query string, no body: nothing secret reaches the access log.
      format: JSON.stringify({
        requestId: '$context.requestId',
        time: '$context.requestTime',
        ip: '$context.identity.sourceIp',
        method: '$context.httpMethod',
        path: '$context.path',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
      }),
    };

    return { httpApi, accessLogs };
  }

  /** The collector's schedule, and where a failed run is parked. */
  private collectorSchedule(config: DeployConfig, collectorFn: LambdaFn): Queue {
    const collectorDlq = keptQueue(this, 'CollectorDeadLetters');
    // EventBridge hands the event to Lambda asynchronously: its retry policy and dead-letter queue see only events
    // Lambda would not accept. A run that fails is Lambda's to retry, so the function's own asynchronous settings
    // decide what happens to it: not retried (the next scheduled run is a minute away, and a retry would repeat its
    // Tesla requests), and parked in the same queue for a look.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
    // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
    new Rule(this, 'CollectorSchedule', {
      description: 'Runs the collector',
      schedule: Schedule.rate(Duration.minutes(config.collectorRateMinutes)),
      targets: [new LambdaFunction(collectorFn, { retryAttempts: 2, maxEventAge: Duration.minutes(1), deadLetterQueue: collectorDlq })],
    });
    collectorFn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1), onFailure: new SqsDestination(collectorDlq) });

    return collectorDlq;
  }
}
