import { keptQueue } from './kept-queue';
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import {
  AmazonLinuxCpuType,
  BlockDeviceVolume,
  CfnEIP,
  CfnEIPAssociation,
  EbsDeviceVolumeType,
  HttpTokens,
  Instance,
  InstanceType,
  MachineImage,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  UserData,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { CfnAssociation } from 'aws-cdk-lib/aws-ssm';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { bundledAsset } from './lambda-bundle';
import { nodeLambda } from './node-lambda';
import { RECEIVER_INSTANCE_TYPE, RECEIVER_PORT, RECEIVER_VOLUME_GB, receiverUserData } from './receiver-host';
import { TABLE_ACTIONS } from './table-grants';

export interface StreamingReceiverProps {
  /** The host name cars connect to (under the app's registered domain). */
  hostName: string;
  /** fleet-telemetry's image. */
  image: string;
  table: TableV2;
  /** The functions' environment (table, settings). */
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** When the host name is inside it: its A record is made here. */
  hostedZone?: { id: string; name: string };
}

/** How long the recorder may take for a batch; the queue hides a delivered batch six times as long (AWS's advice). */
const RECORDER_TIMEOUT = Duration.seconds(60);
/** Records the recorder takes per invocation (SQS FIFO's largest batch). */
export const RECORD_BATCH_SIZE = 10;
/** Deliveries of a message before it is parked in the dead-letter queue (and the owner alarmed). */
export const RECORD_MAX_RECEIVES = 5;
/**
 * The recorder's most concurrent runs. A new account may run 10 functions at once in all; a burst of streamed records
 * must never take them from the API and the collector. (Each car's records are one FIFO group, handled one batch at
 * a time whatever this says.) https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
export const RECORDER_MAX_CONCURRENCY = 2;

/**
 * Streaming with Fleet Telemetry (off unless `telemetryHostName` is set): Tesla's receiver on a t4g.nano with a
 * fixed public address, the queue it stores records in before the car is acked, and the function that records them
 * into the history. See docs/streaming.md for the choice of compute and sink, and the threat model.
 */
export class StreamingReceiver extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;
  readonly recorderFn: LambdaFn;
  readonly instance: Instance;
  readonly securityGroup: SecurityGroup;
  readonly vpc: Vpc;
  /** The SSM parameter with the receiver's CA (a public certificate), which the cars' configuration names. */
  readonly caParameter: string;
  readonly caParameterArn: string;
  /** The SSM parameter with the owner's VINs, which the receiver's bridge takes records for. */
  readonly vinsParameter: string;
  readonly vinsParameterArn: string;

  constructor(scope: Construct, id: string, props: StreamingReceiverProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.deadLetters = keptQueue(this, 'RecordDeadLetters', { fifo: true });
    this.queue = keptQueue(this, 'Records', {
      fifo: true,
      visibilityTimeout: Duration.seconds(RECORDER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: RECORD_MAX_RECEIVES },
    });

    this.recorderFn = nodeLambda(this, 'StreamRecorderFunction', {
      entry: 'functions/stream-recorder/handler.ts',
      timeout: RECORDER_TIMEOUT,
      environment: props.environment,
      logRetention: props.logRetention,
    });
    this.recorderFn.addToRolePolicy(
      new PolicyStatement({ actions: TABLE_ACTIONS.streamRecorder.map((a) => `dynamodb:${a}`), resources: [props.table.tableArn] }),
    );
    this.recorderFn.addEventSource(
      new SqsEventSource(this.queue, { batchSize: RECORD_BATCH_SIZE, reportBatchItemFailures: true, maxConcurrency: RECORDER_MAX_CONCURRENCY }),
    );

    // One public subnet and no NAT gateway (which alone would cost ~$32 a month): the instance reaches SQS, SSM and
    // the image registries over its own public address.
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 1,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
      restrictDefaultSecurityGroup: false,
    });
    this.securityGroup = new SecurityGroup(this, 'ReceiverSecurityGroup', {
      vpc: this.vpc,
      description: 'Cars connect to the receiver on 443 (mutual TLS); nothing else is open (no SSH: Session Manager)',
      allowAllOutbound: true,
    });
    this.securityGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(RECEIVER_PORT), 'Tesla cars (mutual TLS, Tesla-issued client certificates only)');

    const parameterPath = `/${stack.stackName}/receiver`;
    const tls = { key: `${parameterPath}/tls-key`, cert: `${parameterPath}/tls-cert`, ca: `${parameterPath}/ca` };
    const parameterArn = (name: string): string => stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.slice(1) });
    this.caParameter = tls.ca;
    this.caParameterArn = parameterArn(tls.ca);
    // The owner's VINs (see shared/receiver/vin-allowlist.ts): the API writes it, the bridge reads it.
    this.vinsParameter = `${parameterPath}/vins`;
    this.vinsParameterArn = parameterArn(this.vinsParameter);
    const role = new Role(this, 'ReceiverRole', {
      assumedBy: new ServicePrincipal('ec2.amazonaws.com'),
      // Session Manager instead of SSH, and the patch baseline below.
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    this.queue.grantSendMessages(role);
    role.addToPolicy(
      new PolicyStatement({
        actions: ['ssm:GetParameter', 'ssm:PutParameter'],
        resources: [tls.key, tls.cert, tls.ca].map(parameterArn),
      }),
    );
    role.addToPolicy(new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [this.vinsParameterArn] }));
    const bridge = bundledAsset(this, 'BridgeBundle', 'infra/receiver/bridge-main.ts');
    role.addToPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [bridge.bucket.arnForObjects(bridge.s3ObjectKey)] }));

    const userData = UserData.forLinux();
    userData.addCommands(
      ...receiverUserData({
        region: stack.region,
        hostName: props.hostName,
        image: props.image,
        queueUrl: this.queue.queueUrl,
        bridgeBundle: bridge.s3ObjectUrl,
        tls,
        vinsParameter: this.vinsParameter,
      }),
    );
    this.instance = new Instance(this, 'Receiver', {
      vpc: this.vpc,
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
      instanceType: new InstanceType(RECEIVER_INSTANCE_TYPE),
      machineImage: MachineImage.latestAmazonLinux2023({ cpuType: AmazonLinuxCpuType.ARM_64 }),
      securityGroup: this.securityGroup,
      role,
      userData,
      // A new image or user data replaces the instance; the TLS material in SSM and the fixed address survive it.
      userDataCausesReplacement: true,
      httpTokens: HttpTokens.REQUIRED,
      // The containers are one network hop from the instance: with the default of 1 they could not get its credentials.
      httpPutResponseHopLimit: 2,
      blockDevices: [{ deviceName: '/dev/xvda', volume: BlockDeviceVolume.ebs(RECEIVER_VOLUME_GB, { encrypted: true, volumeType: EbsDeviceVolumeType.GP3 }) }],
      detailedMonitoring: false,
    });

    // The address cars resolve the host name to, kept across instance replacements.
    const address = new CfnEIP(this, 'ReceiverAddress', { domain: 'vpc' });
    new CfnEIPAssociation(this, 'ReceiverAddressAssociation', { allocationId: address.attrAllocationId, instanceId: this.instance.instanceId });

    // Patched by the platform: Systems Manager installs the OS's security updates every week.
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-about-aws-runpatchbaseline.html
    new CfnAssociation(this, 'WeeklyPatching', {
      name: 'AWS-RunPatchBaseline',
      parameters: { Operation: ['Install'], RebootOption: ['RebootIfNeeded'] },
      targets: [{ key: 'InstanceIds', values: [this.instance.instanceId] }],
      scheduleExpression: 'rate(7 days)',
    });

    if (props.hostedZone && (props.hostName === props.hostedZone.name || props.hostName.endsWith(`.${props.hostedZone.name}`))) {
      new ARecord(this, 'ReceiverRecord', {
        zone: HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.hostedZone.id, zoneName: props.hostedZone.name }),
        recordName: props.hostName,
        target: RecordTarget.fromIpAddresses(address.attrPublicIp),
        ttl: Duration.minutes(5),
      });
    }

    new CfnOutput(stack, 'ReceiverHostName', { value: props.hostName, description: 'The host name cars stream to' });
    new CfnOutput(stack, 'ReceiverAddress', {
      value: address.attrPublicIp,
      description: `Point an A record for ${props.hostName} at this address (made for you when the host name is in hostedZoneName)`,
    });
    new CfnOutput(stack, 'ReceiverCaParameter', { value: tls.ca, description: 'The receiver’s CA (PEM), which the cars’ configuration names' });
    new CfnOutput(stack, 'ReceiverVinsParameter', {
      value: this.vinsParameter,
      description: 'The VINs the receiver takes records for (PUT /streaming writes them)',
    });
  }
}
