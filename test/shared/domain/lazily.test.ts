import { describe, expect, it } from '@jest/globals';
import { lazily } from '../../../shared/domain/lazily';

describe('lazily', () => {
  it('builds nothing until first asked, then once, and keeps even a falsy value', () => {
    let builds = 0;
    const value = lazily(() => {
      builds += 1;
      return 0;
    });
    expect(builds).toBe(0);
    expect([value(), value(), value()]).toEqual([0, 0, 0]);
    expect(builds).toBe(1);
  });

  it('keeps nothing from a build that threw: the next call builds again', () => {
    let builds = 0;
    const value = lazily(() => {
      builds += 1;
      if (builds === 1) throw new Error('first build fails');
      return { ok: true };
    });
    expect(() => value()).toThrow('first build fails');
    expect(value()).toEqual({ ok: true });
    expect(value()).toBe(value());
    expect(builds).toBe(2);
  });
});
