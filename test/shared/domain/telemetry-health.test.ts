import { describe, expect, it } from '@jest/globals';
import type { TelemetryConfigStatus } from '../../../shared/domain/telemetry/telemetry-config';
import { telemetryHealth } from '../../../shared/domain/telemetry/telemetry-health';

const VIN = '5YJ3E7EA3LF760000';
const NOW = Date.parse('2026-12-04T00:00:00Z');
const RECEIVER = { hostname: 'telemetry.example.com', port: 443 };
const config = (over: Partial<NonNullable<TelemetryConfigStatus['config']>> = {}) => ({
  hostname: RECEIVER.hostname,
  port: 443,
  exp: NOW / 1000 + 200 * 86_400,
  fields: { Odometer: { interval_seconds: 60 } },
  ...over,
});
const health = (status: Partial<TelemetryConfigStatus>, errors: Array<{ name: string; error: string }> = []) =>
  telemetryHealth(
    VIN,
    { synced: true, config: config(), limitReached: false, keyPaired: true, ...status },
    errors.map((e) => ({ vin: VIN, ...e })),
    RECEIVER,
    NOW,
  );
const codes = (h: ReturnType<typeof health>) => h.problems.map((p) => p.code);

describe('whether a car streams to this deployment', () => {
  it('is fine when configured for this receiver, in line, not near expiry, and the car reported nothing', () => {
    expect(health({})).toEqual({ vin: VIN, ok: true, problems: [], expiresAt: new Date(NOW + 200 * 86_400_000).toISOString() });
  });

  it('gives the end of a configuration for this receiver only', () => {
    expect(health({ config: null }).expiresAt).toBeNull();
    expect(health({ config: config({ hostname: 'other.example.com' }) }).expiresAt).toBeNull();
  });

  it('tells "config null" at the car’s third-party limit apart from no configuration', () => {
    expect(codes(health({ config: null, limitReached: true, synced: false }))).toEqual(['limit_reached']);
    expect(codes(health({ config: null, synced: false }))).toEqual(['not_configured']);
  });

  it('tells another receiver, an expired or expiring configuration, one not taken yet, and an unpaired key', () => {
    expect(codes(health({ config: config({ hostname: 'old.example.com' }) }))).toEqual(['other_receiver']);
    expect(codes(health({ config: config({ exp: NOW / 1000 - 1 }) }))).toEqual(['expired']);
    expect(codes(health({ config: config({ exp: NOW / 1000 + 5 * 86_400 }) }))).toEqual(['expires_soon']);
    expect(codes(health({ synced: false }))).toEqual(['not_synced']);
    expect(codes(health({ keyPaired: false, config: null }))).toEqual(['key_not_paired', 'not_configured']);
  });

  it('names a certificate problem the car reported, with what to check', () => {
    const h = health({}, [{ name: 'tls_handshake', error: 'remote error: tls: bad certificate' }]);
    expect(h.ok).toBe(false);
    expect(h.problems[0]).toMatchObject({ code: 'car_reported_errors', message: expect.stringContaining('bad certificate') });
    expect(h.problems[0]!.action).toContain('certificate');
  });
});
