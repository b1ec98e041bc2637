import { App, Stack } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { buildApp } from '../../../infra/cdk/build-app';
import { addComplianceChecks } from '../../../infra/cdk/compliance-checks';

const outdir = () => mkdtempSync(join(tmpdir(), 'cdk-out-'));
/** A folder without the developer's own deploy.config.json, so the tests synthesise what they say. */
const noSettings = mkdtempSync(join(tmpdir(), 'no-settings-'));

describe('compliance checks (cdk-nag AwsSolutions + CloudFormation Guard)', () => {
  it('pass with no unacknowledged finding, account-agnostic and for a concrete account', () => {
    expect(() => buildApp({ outdir: outdir() }, {}, noSettings).app.synth()).not.toThrow();
    expect(() => buildApp({ outdir: outdir() }, { account: '111122223333', region: 'eu-west-1' }, noSettings).app.synth()).not.toThrow();
  });

  it('pass with a custom domain, its alias record and e-mail notifications too', () => {
    const config = {
      notifyEmail: 'owner@example.com',
      customDomainName: 'tesla.example.com',
      certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/0b6f4b5e-1c2d-4e3f-9a8b-7c6d5e4f3a2b',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      hostedZoneName: 'example.com',
    };
    expect(() => buildApp({ outdir: outdir(), context: { config } }, { account: '111122223333', region: 'eu-west-1' }, noSettings).app.synth()).not.toThrow();
  });

  it('pass with streaming on (the receiver, its queue and recorder), each departure acknowledged with its reason', () => {
    const config = {
      telemetryHostName: 'telemetry.example.com',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      hostedZoneName: 'example.com',
      customDomainName: 'tesla.example.com',
      certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/0b6f4b5e-1c2d-4e3f-9a8b-7c6d5e4f3a2b',
    };
    expect(() => buildApp({ outdir: outdir(), context: { config } }, { account: '111122223333', region: 'eu-west-1' }, noSettings).app.synth()).not.toThrow();
    expect(() => buildApp({ outdir: outdir(), context: { config: { telemetryHostName: 'telemetry.example.com' } } }, {}, noSettings).app.synth()).not.toThrow();
  });

  it('fail a synth that carries an unacknowledged finding', () => {
    const app = new App({ outdir: outdir() });
    new Queue(new Stack(app, 'Careless'), 'Plain'); // no SSL enforcement, no dead-letter queue
    addComplianceChecks(app);
    expect(() => app.synth()).toThrow();
  });
});
