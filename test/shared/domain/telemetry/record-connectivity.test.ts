import { describe, expect, it } from '@jest/globals';
import { parseConnectivityRecord, recordConnectivity } from '../../../../shared/domain/telemetry/record-connectivity';
import { recordReceived } from '../../../../shared/domain/telemetry/record-stream';
import { RECORD_STREAMS } from '../../../../shared/domain/telemetry/record-streams';

const VIN = '5YJ3E7EA3LF760000';
const event = (over: Record<string, unknown> = {}) => ({
  vin: VIN,
  connectionId: '6f1c0c6e-7e0a-4b1e-9a53-2b8f1f1d6a10',
  status: 'CONNECTED',
  createdAt: '2026-06-10T08:00:01.250Z',
  networkInterface: 'wifi',
  ...over,
});
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('the receiver’s connectivity events (vehicle_connectivity.proto, decoded)', () => {
  it('reads a connection opening or closing; anything else is not data', () => {
    expect(parseConnectivityRecord(event())).toEqual({ ok: true, vin: VIN, connected: true, at: Date.parse('2026-06-10T08:00:01.250Z') });
    expect(parseConnectivityRecord(event({ status: 'DISCONNECTED' }))).toMatchObject({ ok: true, connected: false });
    expect(parseConnectivityRecord(event({ status: 'UNKNOWN' }))).toMatchObject({ ok: false });
    expect(parseConnectivityRecord(event({ createdAt: null }))).toMatchObject({ ok: false });
    expect(parseConnectivityRecord(event({ vin: 'x' }))).toMatchObject({ ok: false });
    expect(parseConnectivityRecord([])).toMatchObject({ ok: false });
  });

  it('is kept for the owner’s cars only, and reached by the stream the bridge names', async () => {
    const kept: Array<{ vin: string; connected: boolean; at: number }> = [];
    const deps = {
      watch: { recordConnection: (vin: string, c: { connected: boolean; at: number }) => Promise.resolve(void kept.push({ vin, ...c })) },
      vehicles: { getVehicle: (vin: string) => Promise.resolve(vin === VIN ? ({ vin } as never) : null) },
      log: silent,
    };
    expect(await recordConnectivity(deps, event({ vin: '5YJ3E7EA3LF760001' }))).toBe('unknown_vin');
    expect(await recordConnectivity(deps, event())).toBe('recorded');
    const recorder = { ...deps, snapshots: {} as never, streamStates: {} as never, includeLocation: false, fold: {} as never };
    expect(await recordReceived(recorder, RECORD_STREAMS.connectivity, event({ status: 'DISCONNECTED' }))).toBe('recorded');
    expect(kept.map((k) => k.connected)).toEqual([true, false]);
    // Without a watch store (an older stack), an event is left out as unreadable rather than taken for vehicle data.
    expect(await recordReceived({ ...recorder, watch: undefined }, RECORD_STREAMS.connectivity, event())).toBe('unreadable');
  });
});
