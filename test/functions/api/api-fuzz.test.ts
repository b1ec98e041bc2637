import { memoryApiDeps } from '../../support/memory-api-deps';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from '@jest/globals';
import { createApiHandler } from '../../../functions/api/create-handler';
import { COMMAND_NAMES } from '../../../shared/domain/commands/catalogue';
import { ApiTokenVerifier } from '../../../shared/secrets/api-token-verifier';
import { prng } from '../../support/prng';
import { httpEvent } from '../../support/api-events';
import { FakeFleetApi } from '../../support/fake-fleet-api';
import { MemoryCommandStores } from '../../support/memory-command-stores';
import { MemoryHistoryStore } from '../../support/memory-history-store';
import { MemoryStores } from '../../support/memory-stores';

const TOKEN = 'fuzz-api-token-0123456789';

const NASTY = [
  '',
  ' ',
  '%',
  '%zz',
  '..',
  '../..',
  '\u0000',
  '\ud800',
  '😀',
  'A'.repeat(300),
  '__proto__',
  'constructor',
  '{}',
  '[]',
  'null',
  '-1',
  '1e300',
  'NaN',
  '5YJ3E7EB0SF00000I',
  '5yj3e7eb0sf000001',
];
const VALUES: unknown[] = [null, true, -1, 0, 1.5, 1e300, 'x', '', [], {}, { a: 1 }, 'A'.repeat(100), -0, 101, 49, 'rear', 'front'];

function malformedRequest(rand: () => number): Parameters<typeof httpEvent> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const commands = [...COMMAND_NAMES];
  const vin = rand() < 0.5 ? '5YJ3E7EB0SF000001' : pick(NASTY);
  const kind = Math.floor(rand() * 4);
  if (kind === 0) {
    // A command with a body of the wrong shape: wrong types, extra keys, out-of-range values, broken JSON.
    const body: Record<string, unknown> = {};
    for (let i = 0; i < 1 + Math.floor(rand() * 3); i++)
      body[pick(['percent', 'on', 'which_trunk', 'level', 'seat_position', 'lat', 'driver_temp', pick(NASTY)])] = pick(VALUES);
    const text = rand() < 0.2 ? JSON.stringify(body).slice(0, -1) : JSON.stringify(body);
    return ['POST', `/vehicles/${vin}/commands/${rand() < 0.7 ? pick(commands) : pick(NASTY)}`, { token: TOKEN, body: text }];
  }
  if (kind === 1) {
    const query: Record<string, string> = {};
    for (const key of ['from', 'to', 'resolution', 'unit', 'limit', 'cursor', 'month', pick(NASTY)])
      if (rand() < 0.5) query[key] = String(pick([...NASTY, ...VALUES]));
    return ['GET', `/vehicles/${vin}/${pick(['odometer', 'snapshots', 'usage', 'commands'])}`, { token: TOKEN, query }];
  }
  if (kind === 2) return [pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']), `/${pick(NASTY)}/${pick(NASTY)}`, { token: TOKEN }];
  return ['GET', `/vehicles/${vin}/state`, { token: rand() < 0.5 ? TOKEN : pick(NASTY) }];
}

describe('API under malformed input', () => {
  it('answers 1,000 malformed requests with 4xx JSON errors and never calls Tesla', async () => {
    const fleet = new FakeFleetApi();
    const stores = new MemoryStores();
    const history = new MemoryHistoryStore();
    const commandStores = new MemoryCommandStores();
    const handler = createApiHandler(
      memoryApiDeps({ stores, history, commands: commandStores, fleet, clock: { now: () => Date.parse('2026-06-15T12:00:00Z') }, commandTimeoutMs: 25_000 }),
      new ApiTokenVerifier(() => Promise.resolve(TOKEN)),
    );
    const rand = prng(20261123);
    const statuses = new Map<number, number>();
    let valid = 0;
    for (let i = 0; i < 1000; i++) {
      const args = malformedRequest(rand);
      const callsBefore = fleet.calls.length;
      const res = await handler(httpEvent(...args), {} as Context);
      const status = res.statusCode!;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status < 400) {
        valid += 1; // a random draw can be well formed (e.g. GET state of a known VIN form): fine, but never a 5xx
        continue;
      }
      // The request is named in the subject, so a failure says which draw broke the rule.
      const seen = {
        request: i,
        args,
        status,
        reachedTesla: fleet.calls.length !== callsBefore,
        codeIsSnakeCase: /^[a-z_]+$/.test(String(JSON.parse(res.body!).error.code)),
      };
      expect(seen).toEqual({ request: i, args, status: expect.any(Number), reachedTesla: false, codeIsSnakeCase: true });
      expect(status).toBeLessThan(500);
    }
    expect(valid).toBeLessThan(100);
  });
});
