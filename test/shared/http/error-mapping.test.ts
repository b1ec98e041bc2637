import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { FAILURE_CODES, type FailureCode } from '../../../shared/domain/failure';
import { CommandKeyNotPairedError, RateLimitedError } from '../../../shared/domain/fleet-errors';
import { errorToResponse, FAILURE_STATUS } from '../../../shared/http/error-mapping';
import { CommandKeyNotAcceptedError, FAULT } from '../../../shared/vcp/signed-command-client';

const VIN = '5YJ3E7EB0SF000021';
const answer = (error: unknown, pairingUrl?: string) => {
  const { response } = errorToResponse(error, pairingUrl);
  return { status: response.statusCode, error: (JSON.parse(response.body ?? '{}') as { error: { code: string; message: string } }).error };
};

describe('a key the car does not know', () => {
  it('is command_key_not_paired whether Tesla said so or the car refused the key, naming where to pair it', () => {
    const page = 'http://127.0.0.1:4100/_ak/127.0.0.1:3000';
    for (const error of [new CommandKeyNotPairedError(VIN), new CommandKeyNotAcceptedError(VIN, FAULT.unknownKey)]) {
      expect(answer(error, page)).toEqual({
        status: 403,
        error: { code: 'command_key_not_paired', message: expect.stringContaining(`open ${page} in the Tesla app`) },
      });
    }
    expect(answer(new CommandKeyNotPairedError(VIN)).error.message).toContain('https://tesla.com/_ak/<your API domain>');
  });

  it('a key the car knows but will not use stays command_key_not_accepted', () => {
    expect(answer(new CommandKeyNotAcceptedError(VIN, FAULT.inactiveKey))).toMatchObject({ status: 403, error: { code: 'command_key_not_accepted' } });
  });
});

describe('one table for failures', () => {
  it('a command failed so is sent again under its key exactly when the API has always said retry: a 5xx that is not an unknown outcome, or a 429', () => {
    for (const [code, { retryable }] of Object.entries(FAILURE_CODES)) {
      const status = FAILURE_STATUS[code as FailureCode];
      expect([code, retryable]).toEqual([code, (status >= 500 && code !== 'command_outcome_unknown') || status === 429]);
    }
  });

  it('an error nobody foresaw is a bare 500 that says nothing of it; one that describes itself keeps its words', () => {
    expect(errorToResponse(new Error('secret-token-abc leaked?'))).toMatchObject({
      expected: false,
      response: { statusCode: 500, body: JSON.stringify({ error: { code: 'internal_error', message: 'internal server error' } }) },
    });
    expect(answer(new RateLimitedError(42))).toEqual({ status: 429, error: { code: 'tesla_rate_limited', message: expect.stringContaining('42 s') } });
    expect(errorToResponse(new RateLimitedError(42)).response.headers).toMatchObject({ 'retry-after': '42' });
  });
});

describe('the documented errors', () => {
  it('docs/api.md lists every failure code under the status the API answers it with', () => {
    const doc = readFileSync('docs/api.md', 'utf8').split('\n');
    for (const [code, status] of Object.entries(FAILURE_STATUS)) {
      const row = doc.find((line) => line.startsWith(`| ${status}`) && line.includes(`\`${code}\``));
      expect([code, status, row !== undefined]).toEqual([code, status, true]);
    }
  });
});
