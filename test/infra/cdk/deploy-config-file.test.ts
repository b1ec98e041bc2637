import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from '@jest/globals';
import { buildApp } from '../../../infra/cdk/build-app';
import { loadDeployConfig } from '../../../infra/cdk/deploy-config-file';

const folder = (settings?: unknown, name = 'deploy.config.json'): string => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-settings-'));
  if (settings !== undefined) writeFileSync(join(dir, name), typeof settings === 'string' ? settings : JSON.stringify(settings));
  return dir;
};
const CERT = 'arn:aws:acm:eu-west-1:111122223333:certificate/0b6f4b5e-1c2d-4e3f-9a8b-7c6d5e4f3a2b';

describe('deploy settings kept in one file of the owner’s', () => {
  it('are read from deploy.config.json on every synth, so a redeploy without flags keeps the domain and the alarm e-mail', () => {
    const dir = folder({ teslaRegion: 'eu', alarmEmail: 'owner@example.com', customDomainName: 'tesla.example.com', certificateArn: CERT });
    const { stack, settings } = buildApp({ outdir: mkdtempSync(join(tmpdir(), 'cdk-out-')) }, { account: '111122223333', region: 'eu-west-1' }, dir);
    expect(settings).toEqual({ source: 'deploy.config.json', warning: null });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ApiGatewayV2::DomainName', 1);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'owner@example.com' });
  });

  it('refuses -c config beside the file instead of merging a one-off setting that the next deploy would drop', () => {
    expect(() => loadDeployConfig({ config: '{"teslaRegion":"na"}' }, folder({ teslaRegion: 'eu' }))).toThrow(
      /both deploy\.config\.json and -c config.*put them there/,
    );
  });

  it('checks the file at synth, naming the key or the JSON error', () => {
    expect(() => loadDeployConfig({}, folder({ teslaRegion: 'mars' }))).toThrow(/config\.teslaRegion/);
    expect(() => loadDeployConfig({}, folder('{ teslaRegion: eu }'))).toThrow(/deploy\.config\.json is not valid JSON/);
    expect(() => loadDeployConfig({ configFile: 'other.json' }, folder())).toThrow(/other\.json does not exist/);
    expect(loadDeployConfig({ configFile: 'other.json' }, folder({ teslaRegion: 'cn' }, 'other.json'))).toMatchObject({
      source: 'other.json',
      config: { teslaRegion: 'cn' },
    });
  });

  it('still takes -c config without a file, warning that those settings are not kept', () => {
    const loaded = loadDeployConfig({ config: '{"teslaRegion":"eu"}' }, folder());
    expect(loaded).toMatchObject({ source: '-c config', config: { teslaRegion: 'eu' } });
    expect(loaded.warning).toMatch(/not kept.*deploy\.config\.json/);
    expect(loadDeployConfig({}, folder())).toMatchObject({ source: 'defaults', warning: null });
  });

  it('keeps the file out of git', async () => {
    const { readFile } = await import('node:fs/promises');
    expect((await readFile('.gitignore', 'utf8')).split('\n')).toContain('deploy.config.json');
    // The example the README points to is itself a valid configuration.
    expect(() => loadDeployConfig({ configFile: 'deploy.config.example.json' }, process.cwd())).not.toThrow();
  });
});
