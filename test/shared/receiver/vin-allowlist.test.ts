import { describe, expect, it } from '@jest/globals';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { ssmParameters } from '../../../shared/receiver/ssm-parameters';
import { ssmVinList } from '../../../shared/receiver/ssm-vin-list';
import { ALLOWLIST_RECHECK_MS, ALLOWLIST_REFRESH_MS, VinAllowlist } from '../../../shared/receiver/vin-allowlist';

const OWNER = '5YJ3E7EA3LF760000';
const NEW_CAR = '5YJ3E7EA3LF760002';
const STRANGER = '5YJ3E7EA3LF760001';
const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

function setup(first: readonly string[] | null | Error) {
  let now = 0;
  let list: readonly string[] | null | Error = first;
  let reads = 0;
  const allowlist = new VinAllowlist(
    () => {
      reads += 1;
      return list instanceof Error ? Promise.reject(list) : Promise.resolve(list);
    },
    silentLog,
    () => now,
  );
  return { allowlist, set: (l: readonly string[] | null | Error) => (list = l), advance: (ms: number) => (now += ms), reads: () => reads };
}

describe('the receiver’s VIN allowlist', () => {
  it('takes the owner’s cars and refuses another, reading the list again at most every 10 s for a car not on it', async () => {
    const { allowlist, advance, reads } = setup([OWNER]);
    expect(await allowlist.allows(OWNER)).toBe(true);
    expect(await allowlist.allows(STRANGER)).toBe(false);
    expect(await allowlist.allows(STRANGER)).toBe(false);
    expect(reads()).toBe(1);
    advance(ALLOWLIST_RECHECK_MS);
    expect(await allowlist.allows(STRANGER)).toBe(false);
    expect(reads()).toBe(2);
  });

  it('lets a car just added through within seconds (PUT /streaming writes the list before configuring it)', async () => {
    const { allowlist, set, advance } = setup([OWNER]);
    expect(await allowlist.allows(NEW_CAR)).toBe(false);
    set([OWNER, NEW_CAR]);
    advance(ALLOWLIST_RECHECK_MS);
    expect(await allowlist.allows(NEW_CAR)).toBe(true);
  });

  it('lets every car through until a list exists, and keeps the last list when a read fails', async () => {
    const none = setup(null);
    expect(await none.allowlist.allows(STRANGER)).toBe(true);
    const { allowlist, set, advance } = setup([OWNER]);
    await allowlist.allows(OWNER);
    set(new Error('SSM unavailable'));
    advance(ALLOWLIST_REFRESH_MS);
    expect(await allowlist.allows(STRANGER)).toBe(false);
    expect(await allowlist.allows(OWNER)).toBe(true);
  });
});

describe('the allowlist in its SSM parameter', () => {
  it('is written sorted, `-` for none, and read back; a missing parameter reads as no list', async () => {
    const ssm = mockClient(SSMClient);
    const list = ssmVinList(
      ssmParameters((m) => new m.SSMClient({})),
      '/Stack/receiver/vins',
    );
    ssm.on(PutParameterCommand).resolves({});
    await list.write([STRANGER, OWNER]);
    await list.write([]);
    expect(ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: '/Stack/receiver/vins', Type: 'String', Value: `${OWNER},${STRANGER}`, Overwrite: true },
      { Name: '/Stack/receiver/vins', Type: 'String', Value: '-', Overwrite: true },
    ]);
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: `${OWNER},${STRANGER}` } })
      .resolvesOnce({ Parameter: { Value: '-' } });
    expect(await list.read()).toEqual([OWNER, STRANGER]);
    expect(await list.read()).toEqual([]);
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    expect(await list.read()).toBeNull();
    ssm.restore();
  });
});
