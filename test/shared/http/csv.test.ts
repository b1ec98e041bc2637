import { describe, expect, it } from '@jest/globals';
import { csv, neutralised } from '../../../shared/http/csv';

describe('CSV cells a spreadsheet could run (OWASP CSV injection)', () => {
  it.each([
    ['=HYPERLINK("x")'],
    ['+1+cmd'],
    ['-2+3'],
    ['@SUM(A1)'],
    [' =1+1'],
    ['\n=1+1'],
    ['\u0000=1+1'],
    ['\u00a0=1+1'],
    ['\u200b=1+1'],
    ['\ufeff@x'],
    ['\t=1'],
    ['\rx'],
  ])('%j is made plain text', (text) => {
    expect(neutralised(text)).toBe(`'${text}`);
  });

  it('leaves numbers, places and ordinary notes as they are', () => {
    for (const text of ['-33.85680,151.21530', '42', '-7.5', 'client visit', 'a=b', '2026-01-01']) expect(neutralised(text)).toBe(text);
  });

  it('quotes what needs quoting after neutralising', () => {
    expect(csv(['note'], [{ note: ' =1,2' }]).body).toBe(`note\r\n"' =1,2"\r\n`);
  });
});
