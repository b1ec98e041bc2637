import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { DeployConfigError, parseDeployConfig } from '../../../infra/cdk/deploy-config';
import { BRIDGE_PORT, fleetTelemetryConfig, RECEIVER_IMAGE, receiverStartScript, receiverUserData } from '../../../infra/cdk/receiver-host';
import { execFileSync } from 'node:child_process';
import { RECORD_MAX_RECEIVES, RECORDER_MAX_CONCURRENCY } from '../../../infra/cdk/streaming-receiver';
import { TeslaLoggerStack } from '../../../infra/cdk/tesla-logger-stack';

type Resource = { Properties: Record<string, any> };
const ENV = { account: '111122223333', region: 'eu-west-1' };
const STREAMING = { telemetryHostName: 'telemetry.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' };

let off: Template;
let on: Template;
beforeAll(() => {
  off = Template.fromStack(new TeslaLoggerStack(new App(), 'Off', { config: parseDeployConfig({}), env: ENV }));
  on = Template.fromStack(new TeslaLoggerStack(new App(), 'On', { config: parseDeployConfig(STREAMING), env: ENV }));
});

const only = (t: Template, type: string): Resource => {
  const all = Object.values(t.findResources(type) as Record<string, Resource>);
  expect(all).toHaveLength(1);
  return all[0]!;
};
const userData = (): string => {
  const parts = only(on, 'AWS::EC2::Instance').Properties.UserData['Fn::Base64']['Fn::Join'][1] as unknown[];
  return parts.map((p) => (typeof p === 'string' ? p : '${token}')).join('');
};
/** Every statement of the policies attached to a role, by the role's logical id prefix. */
const statementsOf = (rolePrefix: string): Array<{ Action: string | string[]; Resource: unknown }> => {
  const policies = Object.values(on.findResources('AWS::IAM::Policy') as Record<string, Resource>).filter((p) =>
    (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref.startsWith(rolePrefix)),
  );
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
};

describe('streaming is off by default', () => {
  it('adds no instance, address, queue or recorder unless the owner names the receiver’s host', () => {
    for (const type of ['AWS::EC2::Instance', 'AWS::EC2::EIP', 'AWS::EC2::VPC', 'AWS::Lambda::EventSourceMapping', 'AWS::SSM::Association'])
      off.resourceCountIs(type, 0);
    expect(Object.values(off.findResources('AWS::SQS::Queue') as Record<string, Resource>).filter((q) => q.Properties.FifoQueue)).toEqual([]);
  });
});

describe('the receiver, as a new account gets it', () => {
  it('is the smallest Graviton instance on Amazon Linux 2023 (ARM), with no NAT gateway and a fixed address', () => {
    const instance = only(on, 'AWS::EC2::Instance');
    expect(instance.Properties.InstanceType).toBe('t4g.nano');
    const image = (on.toJSON().Parameters as Record<string, { Default: string }>)[instance.Properties.ImageId.Ref as string];
    expect(image?.Default).toMatch(/^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-[\d.]+-arm64$/);
    on.resourceCountIs('AWS::EC2::NatGateway', 0);
    on.resourceCountIs('AWS::EC2::EIP', 1);
    on.resourceCountIs('AWS::EC2::EIPAssociation', 1);
    // The address the cars resolve is the stack's: in the owner's zone when the host name is in it.
    on.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'telemetry.example.com.', Type: 'A' });
  });

  it('opens only the cars’ port: no SSH, no key pair; the metadata service needs tokens and reaches the containers', () => {
    const sg = Object.values(on.findResources('AWS::EC2::SecurityGroup') as Record<string, Resource>).find((g) =>
      String(g.Properties.GroupDescription).startsWith('Cars'),
    );
    expect(sg?.Properties.SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })]);
    const instance = only(on, 'AWS::EC2::Instance');
    expect(instance.Properties.KeyName).toBeUndefined();
    // A container is one hop further than the instance: with a hop limit of 1, IMDSv2 answers it nothing.
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-v2-how-it-works.html
    expect(instance.Properties.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 2 });
    expect(instance.Properties.BlockDeviceMappings).toEqual([
      expect.objectContaining({ Ebs: expect.objectContaining({ Encrypted: true, VolumeType: 'gp3', VolumeSize: 8 }) }),
    ]);
  });

  it('is patched by Systems Manager every week', () => {
    on.hasResourceProperties('AWS::SSM::Association', {
      Name: 'AWS-RunPatchBaseline',
      ScheduleExpression: 'rate(7 days)',
      Parameters: { Operation: ['Install'] },
    });
  });

  it('may only send to the record queue, keep its TLS material in its three parameters, read the VIN allowlist and the bridge’s bundle', () => {
    const statements = statementsOf('StreamingReceiverRole');
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual([
      's3:GetObject',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
      'ssm:GetParameter',
      'ssm:GetParameter',
      'ssm:PutParameter',
    ]);
    expect(JSON.stringify(statements)).not.toMatch(/kinesis|"\*"/);
    const ssm = statements.find((s) => [s.Action].flat().includes('ssm:PutParameter'));
    expect(JSON.stringify(ssm?.Resource)).toMatch(/parameter\/On\/receiver\/tls-key.*parameter\/On\/receiver\/tls-cert.*parameter\/On\/receiver\/ca/);
    expect(JSON.stringify(ssm?.Resource)).not.toMatch(/vins/);
    const vins = statements.filter((s) => JSON.stringify(s.Resource).includes('receiver/vins'));
    expect(vins.map((s) => s.Action)).toEqual(['ssm:GetParameter']);
    // The bridge is told where the list is.
    expect(userData()).toContain("-e VINS_PARAMETER='/On/receiver/vins'");
  });

  it('runs Tesla’s receiver pinned, acking the car only once the bridge has stored its record in the queue', () => {
    const script = userData();
    expect(script).toContain(`${RECEIVER_IMAGE} /fleet-telemetry -config=/etc/fleet-telemetry/config.json`);
    expect(script).toContain(JSON.stringify(fleetTelemetryConfig(), null, 2));
    expect(script).toMatch(/shred -u ca\.key/);
    expect(script).not.toMatch(/:latest\b/);
  });

  it('is a script bash can parse, whose start script runs at every boot (so a reboot can take new TLS material)', () => {
    const settings = {
      region: 'eu-west-1',
      hostName: 'telemetry.example.com',
      image: RECEIVER_IMAGE,
      queueUrl: 'https://sqs/q.fifo',
      bridgeBundle: 's3://b/k.zip',
      tls: { key: '/k', cert: '/c', ca: '/a' },
      vinsParameter: '/v',
    };
    expect(() => execFileSync('bash', ['-n'], { input: receiverUserData(settings).join('\n') })).not.toThrow();
    expect(() => execFileSync('bash', ['-n'], { input: receiverStartScript(settings).join('\n') })).not.toThrow();
    expect(userData()).toContain('systemctl enable --now tesla-receiver.service');
    expect(userData()).toMatch(/ExecStart=\/opt\/receiver\/start\.sh/);
  });
});

describe('the records’ path into the history', () => {
  it('is a FIFO queue (each car’s records in order) with a FIFO dead-letter queue after 5 tries', () => {
    const queues = Object.values(on.findResources('AWS::SQS::Queue') as Record<string, Resource>).filter((q) => q.Properties.FifoQueue);
    expect(queues).toHaveLength(2);
    const main = queues.find((q) => q.Properties.RedrivePolicy);
    expect(main?.Properties.RedrivePolicy.maxReceiveCount).toBe(RECORD_MAX_RECEIVES);
  });

  it('hides a delivered batch six times as long as the recorder may take, as AWS advises for Lambda event sources', () => {
    // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html (queue visibility timeout)
    const queue = Object.values(on.findResources('AWS::SQS::Queue') as Record<string, Resource>).find((q) => q.Properties.RedrivePolicy)!;
    const recorder = Object.entries(on.findResources('AWS::Lambda::Function') as Record<string, Resource>).find(([id]) => id.includes('StreamRecorder'))![1];
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (recorder.Properties.Timeout as number));
  });

  it('reports failed records one by one, and never takes more than 2 of a new account’s 10 concurrent executions', () => {
    on.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: RECORDER_MAX_CONCURRENCY },
      BatchSize: 10,
    });
    const recorder = Object.entries(on.findResources('AWS::Lambda::Function') as Record<string, Resource>).find(([id]) => id.includes('StreamRecorder'))![1];
    // Reserved concurrency would fail the first deploy on an account whose limit is 10.
    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
    expect(recorder.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('alarms on records that could not be stored, records left out, and a receiver failing its checks', () => {
    on.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
    on.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'StreamRecordsLeftOut', Threshold: 1 });
    on.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'StatusCheckFailed',
      Namespace: 'AWS/EC2',
      Dimensions: [Match.objectLike({ Name: 'InstanceId' })],
    });
    off.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'StatusCheckFailed' }, 0);
  });
});

describe('the API, which configures the cars (PUT /streaming)', () => {
  const api = (t: Template) =>
    Object.entries(t.findResources('AWS::Lambda::Function') as Record<string, Resource>).find(([id]) => id.startsWith('ApiFunction'))!;
  it('knows the receiver’s host and its parameters, and may read its CA and write its VIN allowlist, no other parameter', () => {
    const [, fn] = api(on);
    expect(fn.Properties.Environment.Variables).toMatchObject({
      RECEIVER_HOST: 'telemetry.example.com',
      RECEIVER_CA_PARAMETER: '/On/receiver/ca',
      RECEIVER_VINS_PARAMETER: '/On/receiver/vins',
    });
    const ssm = statementsOf('ApiFunctionRole').filter((s) => [s.Action].flat().some((a) => a.startsWith('ssm:')));
    expect(ssm.map((s) => [[s.Action].flat(), JSON.stringify(s.Resource).match(/parameter\/On\/receiver\/[a-z-]+/g)])).toEqual([
      [['ssm:GetParameter'], ['parameter/On/receiver/ca']],
      [['ssm:PutParameter'], ['parameter/On/receiver/vins']],
    ]);
    expect(api(off)[1].Properties.Environment.Variables.RECEIVER_HOST).toBeUndefined();
  });

  it('tells the collector streaming is on (it leaves a streaming car to the stream), without any SSM access', () => {
    const collector = Object.entries(on.findResources('AWS::Lambda::Function') as Record<string, Resource>).find(([id]) =>
      id.startsWith('CollectorFunction'),
    )![1];
    expect(collector.Properties.Environment.Variables).toMatchObject({ RECEIVER_HOST: 'telemetry.example.com' });
    expect(
      statementsOf('CollectorFunctionRole')
        .flatMap((s) => [s.Action].flat())
        .filter((a) => a.startsWith('ssm:')),
    ).toEqual([]);
  });
});

describe('the streaming settings', () => {
  it('refuse an image that is not pinned, and a receiver on the API’s own host', () => {
    expect(() => parseDeployConfig({ ...STREAMING, receiverImage: 'tesla/fleet-telemetry:latest' })).toThrow(
      /receiverImage: must name a version tag or digest/,
    );
    expect(() => parseDeployConfig({ ...STREAMING, receiverImage: 'tesla/fleet-telemetry' })).toThrow(DeployConfigError);
    expect(parseDeployConfig({ ...STREAMING, receiverImage: `tesla/fleet-telemetry@sha256:${'a'.repeat(64)}` }).receiverImage).toMatch(/@sha256/);
    expect(() =>
      parseDeployConfig({
        telemetryHostName: 'tesla.example.com',
        customDomainName: 'tesla.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/0b6f4b5e-1c2d-4e3f-9a8b-7c6d5e4f3a2b',
      }),
    ).toThrow(/telemetryHostName: must differ from customDomainName/);
  });
});

describe('fleet-telemetry’s configuration (contract with its config/config.go)', () => {
  const schema = JSON.parse(readFileSync(join('test', 'fixtures', 'fleet-telemetry', 'server-config-keys.json'), 'utf8')) as Record<string, string[]>;
  const config = fleetTelemetryConfig() as Record<string, any>;
  const keysOf = (section: string) => Object.keys(config[section] as object);

  it('uses only keys the server reads (an unknown key is ignored silently, so a typo would disable what it meant)', () => {
    for (const key of Object.keys(config)) expect(schema.config).toContain(key);
    for (const section of ['kinesis', 'rate_limit', 'tls'] as const) for (const key of keysOf(section)) expect(schema[section]).toContain(key);
  });

  it('acks vehicle data only through the dispatcher that confirms it, decoded, to the bridge on the loopback', () => {
    // The server refuses a reliable-ack source that is not among the record type's dispatchers, or is the logger.
    expect(config.reliable_ack_sources).toEqual({ V: 'kinesis' });
    expect(config.records.V).toEqual(['kinesis']);
    for (const [type, dispatchers] of Object.entries(config.records as Record<string, string[]>)) {
      expect(schema.record_types).toContain(type);
      for (const d of dispatchers) expect(schema.dispatchers).toContain(d);
    }
    expect(config.transmit_decoded_records).toBe(true);
    expect(config.kinesis).toEqual({
      max_retries: 1,
      override_host: `http://127.0.0.1:${BRIDGE_PORT}`,
      streams: { V: 'tesla-V', connectivity: 'tesla-connectivity' },
    });
    // Client certificates checked against Tesla's CAs only: no CA of ours may admit other clients.
    expect(config.tls.ca_file).toBeUndefined();
    expect(config.rate_limit).toEqual(expect.objectContaining({ enabled: true }));
  });
});
