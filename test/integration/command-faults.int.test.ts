import { memoryApiDeps } from '../support/memory-api-deps';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createApiHandler } from '../../functions/api/create-handler';
import { ApiTokenVerifier } from '../../shared/secrets/api-token-verifier';
import { UndiciFleetApi } from '../../shared/tesla/undici-fleet-api';
import { httpEvent } from '../support/api-events';
import { FAULTS_AFTER_WHICH_A_COMMAND_MAY_HAVE_RUN, FaultyTesla, type TeslaFault } from '../support/faulty-tesla';
import { MemoryCommandStores } from '../support/memory-command-stores';
import { MemoryHistoryStore } from '../support/memory-history-store';
import { MemoryStores } from '../support/memory-stores';
import { prng } from '../support/prng';

const TOKEN = 'fault-api-token-0123456789';
const VIN = '5YJ3E7EB0SF000001';
/** Short, so the slow-drip fault ends in well under two seconds. */
const COMMAND_BUDGET_MS = 1_500;

const tesla = new FaultyTesla();
let baseUrl: string;

beforeAll(async () => {
  baseUrl = await tesla.start();
});
afterAll(() => tesla.stop());

/** The API as the Lambda builds it, over real HTTP to the faulty double (REST commands, no signing key). */
function api() {
  const stores = new MemoryStores();
  const history = new MemoryHistoryStore();
  const commands = new MemoryCommandStores();
  let now = Date.parse('2026-06-15T12:00:00Z');
  const tokens = { get: () => Promise.resolve('access-token'), renewAfterRejection: () => Promise.resolve('access-token') };
  const fleet = new UndiciFleetApi({ baseUrl, tokens, timeoutMs: 5_000 });
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const handler = createApiHandler(
    memoryApiDeps({ stores, history, commands, fleet, clock: { now: () => now }, log, commandTimeoutMs: COMMAND_BUDGET_MS }),
    new ApiTokenVerifier(() => Promise.resolve(TOKEN)),
  );
  const send = async (key: string, percent = 80) => {
    const res = await handler(
      httpEvent('POST', `/vehicles/${VIN}/commands/set_charge_limit`, { token: TOKEN, body: JSON.stringify({ percent }), headers: { 'idempotency-key': key } }),
      {} as Context,
    );
    return { status: res.statusCode!, headers: res.headers ?? {}, body: JSON.parse(res.body ?? 'null') };
  };
  return { send, commands, stores, advance: (ms: number) => (now += ms) };
}

beforeEach(() => {
  tesla.received.length = 0;
  tesla.requests.length = 0;
  tesla.commandFault = 'none';
});

describe('a command under every Tesla fault, then retried with the same Idempotency-Key', () => {
  it.each(FAULTS_AFTER_WHICH_A_COMMAND_MAY_HAVE_RUN.map((f) => [f]))('%s: 504 command_outcome_unknown, and the retry never reaches Tesla', async (fault) => {
    const { send, commands } = api();
    tesla.commandFault = fault;
    const first = await send('key-1');
    expect(first).toMatchObject({ status: 504, body: { error: { code: 'command_outcome_unknown' } } });
    expect(tesla.received).toHaveLength(1);

    tesla.commandFault = 'none';
    const retry = await send('key-1');
    expect(retry).toMatchObject({ status: 504, headers: { 'idempotent-replayed': 'true' } });
    expect(tesla.received).toHaveLength(1);
    // The audit row says what happened: sent by REST, no wake, and what Tesla answered (if it answered).
    const [row] = commands.entries;
    expect(row).toMatchObject({ outcome: 'error', reason: 'command_outcome_unknown', transport: 'rest', woke: false });
    expect(row!.teslaStatus).toBe(fault === 'status_500' ? 500 : fault === 'status_503' ? 503 : fault === 'reset' || fault === 'slow_drip' ? null : 200);
  });

  it('a slow drip is cut off at the command budget, not kept alive by each byte', async () => {
    const { send } = api();
    tesla.commandFault = 'slow_drip';
    const started = Date.now();
    expect((await send('drip')).status).toBe(504);
    expect(Date.now() - started).toBeLessThan(COMMAND_BUDGET_MS + 1_000);
  });

  it('429: answered with Retry-After, remembered for the car, and run once after it', async () => {
    const { send, advance, stores } = api();
    tesla.commandFault = 'rate_limited';
    tesla.retryAfterSeconds = 30;
    expect(await send('key-429')).toMatchObject({ status: 429, headers: { 'retry-after': '30' } });
    tesla.commandFault = 'none';
    const requestsBefore = tesla.requests.length;
    advance(10_000);
    expect(await send('key-429')).toMatchObject({ status: 429, headers: { 'retry-after': '20' } });
    expect(tesla.requests.length).toBe(requestsBefore); // not asked, not billed
    advance(20_000);
    expect(await send('key-429')).toMatchObject({ status: 200, body: { outcome: 'done' } });
    expect(tesla.received.filter((c) => c.mayHaveRun)).toHaveLength(1);
    // Both billed answers (the 429 and the command) and the free state calls are in the ledger.
    expect(await stores.getUsage(VIN, '2026-06')).toMatchObject({ command: 2 });
  });

  it('property: over random sequences of faults and retries, no key ever makes the car act twice', async () => {
    const rand = prng(20261128);
    const faults: TeslaFault[] = ['none', 'rate_limited', 'html', 'truncated_json', 'empty', 'wrong_shape', 'status_500', 'status_503', 'reset'];
    for (let round = 0; round < 6; round++) {
      const { send, advance } = api();
      tesla.received.length = 0;
      const outcomes = new Map<number, number[]>();
      for (let step = 0; step < 25; step++) {
        const key = Math.floor(rand() * 4); // four keys, each with its own body (percent) so the double can tell them apart
        tesla.commandFault = faults[Math.floor(rand() * faults.length)]!;
        const res = await send(`prop-${round}-${key}`, 60 + key);
        outcomes.set(key, [...(outcomes.get(key) ?? []), res.status]);
        advance(Math.floor(rand() * 40_000));
      }
      for (let key = 0; key < 4; key++) {
        const acted = tesla.received.filter((c) => c.mayHaveRun && c.body.percent === 60 + key);
        expect({ round, key, acted: acted.length <= 1, statuses: outcomes.get(key) }).toMatchObject({ round, key, acted: true });
      }
    }
  });
});
