import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Drive } from '../../shared/domain/history/history-records';
import { driveFacts, logbookRows } from '../../shared/domain/history/logbook';
import { catchUpLogIndex, indexUpdates } from '../../shared/domain/history/logbook-index';
import { loggedDrivesOfYear } from '../../shared/domain/history/logbook-reads';
import { appendToLogbook } from '../../shared/domain/history/logbook-append';
import { verifyLogbook } from '../../shared/domain/history/logbook-verify';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { startLocalDynamo, type LocalDynamo } from '../../infra/local/dynalite-server';

const VIN = '5YJ3E7EB0SF000001';
let dynamo: LocalDynamo;
let history: DynamoDbHistoryStore;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'test' });
  history = new DynamoDbHistoryStore({
    client: DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: 'test',
  });
});
afterAll(async () => {
  await dynamo.stop();
});

const drive = (start: number, odometer: number): Drive =>
  ({
    vin: VIN,
    id: String(start),
    start: { at: start, odometerMi: odometer, location: null },
    startedBy: start + 300_000,
    endedAfter: start + 600_000,
    end: { at: start + 900_000, odometerMi: odometer + 7, location: null },
    distanceMi: 7,
  }) as unknown as Drive;

describe('the logbook and its index on dynalite', () => {
  it('logs 150 drives over two years with notes; a year reads through the index, verify walks it all, re-applying changes nothing', async () => {
    const drives = Array.from({ length: 150 }, (_, n) => drive(Date.parse('2025-10-01T07:00:00Z') + n * 86_400_000, 5000 + n * 7));
    await history.saveHistoryStep(VIN, { drives, charges: [], versions: [], idles: [], state: { vin: VIN } as never });
    for (const d of drives) await appendToLogbook(history, VIN, driveFacts(d));
    for (const note of ['first', 'second'])
      await appendToLogbook(history, VIN, { kind: 'annotation', driveId: drives[100]!.id, purpose: 'business', note, at: 1 });

    const item = await history.logIndexItem(VIN, drives[100]!.id);
    expect(item).toEqual({ driveId: drives[100]!.id, driveSeq: 101, noteSeq: 152, notes: 2 });
    // Another process applying the same entries again (a writer and a reader racing) changes nothing.
    await history.applyToLogIndex(VIN, indexUpdates(await history.logEntriesAfter(VIN, 90, 100)), 152);
    expect(await history.logIndexItem(VIN, drives[100]!.id)).toEqual(item);
    expect(await history.logIndexedThrough(VIN)).toBe(152);

    const rows = logbookRows(await loggedDrivesOfYear(history, VIN, 2026, () => false), 2026, 'UTC');
    expect(rows).toHaveLength(150 - 92); // from 1 January 2026
    expect(rows.find((r) => r.driveId === drives[100]!.id)).toMatchObject({ note: 'second', edits: 1 });
    expect(
      (
        await history.logEntriesAt(
          VIN,
          Array.from({ length: 152 }, (_, n) => n + 1),
        )
      ).length,
    ).toBe(152); // more than one batch

    const check = await verifyLogbook(history, VIN, null);
    expect(check).toMatchObject({ intact: true, complete: true, entries: 152, indexMismatches: [], missingDrives: [], lostEntries: 0 });
    expect(await catchUpLogIndex(history, VIN)).toEqual({ caughtUp: true, through: 152 });
  });
});
