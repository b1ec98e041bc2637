import { describe, expect, it } from '@jest/globals';
import type { Context, SQSRecord } from 'aws-lambda';
import { createStreamRecorderHandler, type StreamBatchCounts } from '../../../functions/stream-recorder/create-handler';
import { DEFAULT_SIGNALS, streamFoldOptions } from '../../../shared/domain/telemetry/signal-set';
import { MemoryHistoryStore } from '../../support/memory-history-store';
import { MemoryStores, MemoryStreamStates } from '../../support/memory-stores';

const VIN = '5YJ3E7EA3LF760000';
const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const body = (second: number, values: Record<string, unknown>) =>
  JSON.stringify({
    data: Object.entries(values).map(([key, v]) => ({
      key,
      value: key === 'Gear' ? { shiftStateValue: `ShiftState${String(v)}` } : { stringValue: String(v) },
    })),
    createdAt: new Date(Date.parse('2026-11-03T08:00:00Z') + second * 1000).toISOString(),
    vin: VIN,
    isResend: false,
  });
const message = (id: string, text: string) => ({ messageId: id, body: text }) as SQSRecord;

function recorder() {
  const stores = new MemoryStores();
  void stores.putVehicle({ vin: VIN, displayName: null, state: 'online', lastSeenAt: 0, lastSnapshotAt: null, polling: {} as never });
  const batches: StreamBatchCounts[] = [];
  const deps = {
    snapshots: stores,
    streamStates: new MemoryStreamStates(),
    vehicles: stores,
    history: new MemoryHistoryStore(),
    includeLocation: true,
    fold: streamFoldOptions(DEFAULT_SIGNALS),
    log: silentLog,
  };
  const handler = createStreamRecorderHandler(deps, { batchDone: (c) => void batches.push(c) });
  const run = (records: SQSRecord[]) => handler({ Records: records }, {} as Context);
  return { stores, deps, batches, run };
}

describe('the stream recorder (SQS FIFO batches)', () => {
  it('records each message in order and leaves out the unreadable ones without failing the batch', async () => {
    const { stores, batches, run } = recorder();
    const out = await run([message('a', body(0, { Gear: 'P', Odometer: 10 })), message('b', 'not json'), message('c', body(5, { Odometer: 10 }))]);
    expect(out).toEqual({ batchItemFailures: [] });
    expect(stores.snapshots.size).toBe(2);
    expect(batches).toEqual([{ recorded: 2, duplicate: 0, late: 0, unreadable: 1, unknown_vin: 0, retried: 0 }]);
  });

  it('stops at the first record it cannot store and hands that one and every later one back, so none is recorded out of order', async () => {
    const { stores, deps, batches, run } = recorder();
    let fail = true;
    const put = stores.putSnapshot.bind(stores);
    deps.snapshots = Object.assign(Object.create(stores) as MemoryStores, {
      putSnapshot: (s: Parameters<MemoryStores['putSnapshot']>[0], raw?: unknown) =>
        s.takenAt === Date.parse('2026-11-03T08:00:05Z') && fail ? Promise.reject(new Error('throttled')) : put(s, raw),
    });
    const batch = [message('a', body(0, { Gear: 'D', Odometer: 10 })), message('b', body(5, { Odometer: 10.1 })), message('c', body(9, { Odometer: 10.2 }))];
    expect(await run(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }, { itemIdentifier: 'c' }] });
    expect(batches[0]).toMatchObject({ recorded: 1, retried: 2 });
    // SQS delivers them again, in order.
    fail = false;
    expect(await run(batch.slice(1))).toEqual({ batchItemFailures: [] });
    expect([...stores.snapshots.values()].map((s) => s.odometerMi)).toEqual([10, 10.1, 10.2]);
  });
});
