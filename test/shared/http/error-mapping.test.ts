import { describe, expect, it } from '@jest/globals';
import { CommandKeyNotPairedError } from '../../../shared/domain/fleet-errors';
import { errorToResponse } from '../../../shared/http/error-mapping';
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
      expect(answer(error, page)).toEqual({ status: 403, error: { code: 'command_key_not_paired', message: expect.stringContaining(`open ${page} in the Tesla app`) } });
    }
    expect(answer(new CommandKeyNotPairedError(VIN)).error.message).toContain('https://tesla.com/_ak/<your API domain>');
  });

  it('a key the car knows but will not use stays command_key_not_accepted', () => {
    expect(answer(new CommandKeyNotAcceptedError(VIN, FAULT.inactiveKey))).toMatchObject({ status: 403, error: { code: 'command_key_not_accepted' } });
  });
});
