import { describe, expect, it } from '@jest/globals';
import { CONNECTED_QUIET_MS, SILENT_AFTER_MS, streamSilence, type StreamWatch } from '../../../../shared/domain/telemetry/stream-watch';

const VIN = '5YJ3E7EA3LF760000';
const NOW = Date.parse('2026-06-10T12:00:00Z');
const MIN = 60_000;
const watch = (over: Partial<StreamWatch> = {}): StreamWatch => ({ vin: VIN, configuredUntil: NOW + 100 * 86_400_000, connection: null, ...over });
const online = (over: Partial<{ listedOnline: boolean; lastRecordAt: number | null; silentSince: number | null }> = {}) => ({
  listedOnline: true,
  lastRecordAt: null,
  silentSince: null,
  ...over,
});

describe('a car that should stream and does not', () => {
  it('is not judged unless it should stream and is online: asleep, a car streams nothing by design', () => {
    expect(streamSilence(null, online(), NOW)).toEqual({ problem: null, silentSince: null });
    expect(streamSilence(watch({ configuredUntil: null }), online({ silentSince: NOW - 60 * MIN }), NOW)).toEqual({ problem: null, silentSince: null });
    expect(streamSilence(watch(), online({ listedOnline: false, silentSince: NOW - 60 * MIN }), NOW)).toEqual({ problem: null, silentSince: null });
  });

  it('is told after SILENT_AFTER_MS online without connecting, counted from the first pass that saw it so', () => {
    const first = streamSilence(watch(), online(), NOW);
    expect(first).toEqual({ problem: null, silentSince: NOW });
    expect(streamSilence(watch(), online({ silentSince: NOW }), NOW + SILENT_AFTER_MS - 1).problem).toBeNull();
    const told = streamSilence(watch({ connection: { connected: false, at: NOW - 3 * 3_600_000 } }), online({ silentSince: NOW }), NOW + SILENT_AFTER_MS);
    expect(told.problem).toMatchObject({ code: 'streaming_silent', since: NOW });
    expect(told.problem?.message).toMatch(/online for 15 min without connecting to the receiver: GET \/streaming/);
  });

  it('is not told while it is connected and streamed within the hour, and is once it sent nothing for an hour', () => {
    const connected = watch({ connection: { connected: true, at: NOW - 5 * 3_600_000 } });
    expect(streamSilence(connected, online({ lastRecordAt: NOW - 59 * MIN, silentSince: NOW - 30 * MIN }), NOW)).toEqual({ problem: null, silentSince: null });
    const quiet = streamSilence(connected, online({ lastRecordAt: NOW - CONNECTED_QUIET_MS }), NOW);
    expect(quiet.problem).toMatchObject({ code: 'streaming_silent', since: NOW - CONNECTED_QUIET_MS });
    expect(quiet.problem?.message).toMatch(/connected to the receiver but has streamed nothing for 60 min/);
  });

  it('is told its configuration expired, with the day, from the moment it did', () => {
    const expired = streamSilence(watch({ configuredUntil: NOW - MIN }), online(), NOW);
    expect(expired.problem).toMatchObject({ code: 'streaming_silent', since: NOW - MIN });
    expect(expired.problem?.message).toMatch(/expired on 2026-06-10: PUT \/streaming renews it/);
  });
});
