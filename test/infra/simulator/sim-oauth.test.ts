import { describe, expect, it } from '@jest/globals';
import { HOUR_MS } from '../../../shared/domain/clock';
import { SimClock } from '../../../infra/simulator/sim-clock';
import { SimBilling, SimRateLimiter } from '../../../infra/simulator/sim-metering';
import { SimOAuth } from '../../../infra/simulator/sim-oauth';

const setup = () => {
  const clock = new SimClock(Date.parse('2026-01-01T00:00:00Z'), 0);
  return { clock, oauth: new SimOAuth(clock, 'cid', 8 * 3600) };
};

describe('SimOAuth', () => {
  it('rotates refresh tokens: each is single use, and a refresh ends the old access tokens', () => {
    const { oauth } = setup();
    const first = oauth.login();
    const second = oauth.refresh('cid', first.refresh_token);
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(second.tokens.refresh_token).not.toBe(first.refresh_token);
    expect(oauth.checkAccessToken(first.access_token)).toBe('invalid bearer token');
    expect(oauth.checkAccessToken(second.tokens.access_token)).toBeNull();
  });

  it('honours the last used refresh token for 24 hours (a lost answer is recoverable), then says login_required', () => {
    const { oauth, clock } = setup();
    const first = oauth.login();
    expect(oauth.refresh('cid', first.refresh_token).ok).toBe(true); // answer "lost"
    clock.advance(23 * HOUR_MS);
    const recovered = oauth.refresh('cid', first.refresh_token);
    expect(recovered.ok).toBe(true);
    clock.advance(2 * HOUR_MS);
    expect(oauth.refresh('cid', first.refresh_token)).toMatchObject({ ok: false, status: 401, error: 'login_required' });
  });

  it('never accepts an older token in the chain, or another client', () => {
    const { oauth } = setup();
    const t1 = oauth.login();
    const r2 = oauth.refresh('cid', t1.refresh_token);
    if (!r2.ok) throw new Error('refresh failed');
    expect(oauth.refresh('cid', r2.tokens.refresh_token).ok).toBe(true);
    expect(oauth.refresh('cid', t1.refresh_token)).toMatchObject({ ok: false, error: 'login_required' });
    expect(oauth.refresh('other', r2.tokens.refresh_token)).toMatchObject({ ok: false, error: 'invalid_client' });
  });

  it('expires access tokens after their lifetime', () => {
    const { oauth, clock } = setup();
    const t = oauth.login();
    clock.advance(8 * HOUR_MS - 1);
    expect(oauth.checkAccessToken(t.access_token)).toBeNull();
    clock.advance(1);
    expect(oauth.checkAccessToken(t.access_token)).toBe('token expired (401)');
  });
});

describe('simulated limits and billing', () => {
  it('allows 60 data, 30 command and 3 wake requests per vehicle per minute', () => {
    const clock = new SimClock(0, 0);
    const limiter = new SimRateLimiter(clock);
    const allowed = (category: 'data' | 'command' | 'wake', vin = 'V') =>
      Array.from({ length: 100 }, () => limiter.take(vin, category)).filter((r) => r === null).length;
    expect(allowed('data')).toBe(60);
    expect(allowed('command')).toBe(30);
    expect(allowed('wake')).toBe(3);
    expect(allowed('wake', 'OTHER')).toBe(3);
    expect(limiter.take('V', 'wake')).toBe(60);
    clock.advance(60_000);
    expect(limiter.take('V', 'wake')).toBeNull();
  });

  it('bills every answer under 500', () => {
    const billing = new SimBilling();
    billing.record('data', 200, 'V');
    billing.record('data', 408, 'V');
    billing.record('data', 503, 'V');
    billing.record('free', 200, null);
    expect(billing.toJSON()).toEqual({
      total: { data: 2, command: 0, wake: 0, free: 1, history: 0 },
      byVehicle: { V: { data: 2, command: 0, wake: 0, free: 0, history: 0 } },
    });
  });
});
