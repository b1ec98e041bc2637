import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HistoryState, HistoryStep } from '../domain/history/history-machine';
import type { ChargingSession, Drive, IdlePeriod, ImportedRange, SoftwareVersionSeen, StateChange } from '../domain/history/history-records';
import type { HistoryPage, HistoryQuery, HistoryStore } from '../domain/history/history-store';
import { queryAll } from './query-all';
import { queryRangePage } from './range-cursor';
import type { MonthTotals } from '../domain/history/monthly-totals';
import { DynamoDbLogbookStore } from './dynamodb-logbook-store';
import {
  CHARGE_COST_SK_PREFIX,
  chargeCostSk,
  chargeSk,
  driveSk,
  HISTORY_STATE_SK,
  idleSk,
  IMPORTED_RANGE_SK_PREFIX,
  importedRangeSk,
  KEPT_ATTRIBUTE,
  monthSk,
  stateChangeSk,
  TTL_ATTRIBUTE,
  versionSk,
  VERSION_SK_PREFIX,
  vehiclePk,
} from './table-schema';

/** Derived history in the single table: one small item per drive, charging session and software version; the logbook. */
export class DynamoDbHistoryStore extends DynamoDbLogbookStore implements HistoryStore {
  /** `stateChangeRetentionDays`: how long state changes are kept (the snapshots' retention; default 400 days). */
  constructor(protected override readonly options: { client: DynamoDBDocumentClient; tableName: string; stateChangeRetentionDays?: number }) {
    super(options);
  }

  async putStateChange(change: StateChange, state?: HistoryState): Promise<void> {
    const expiresAt = Math.floor(change.at / 1000) + (this.options.stateChangeRetentionDays ?? 400) * 86_400;
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: { pk: vehiclePk(change.vin), sk: stateChangeSk(change.at), change, [TTL_ATTRIBUTE]: expiresAt },
      }),
    );
    if (state === undefined) return;
    await this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: { pk: vehiclePk(change.vin), sk: HISTORY_STATE_SK, state } }));
  }

  async stateChangesBetween(vin: string, fromMs: number, toMs: number): Promise<StateChange[]> {
    const items = await queryAll(this.options, 'pk = :pk AND sk BETWEEN :from AND :to', {
      ':pk': vehiclePk(vin),
      ':from': stateChangeSk(fromMs),
      ':to': stateChangeSk(toMs),
    });
    return items.map((item) => item.change as StateChange);
  }

  async getHistoryState(vin: string): Promise<HistoryState | null> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { pk: vehiclePk(vin), sk: HISTORY_STATE_SK } }));
    return (Item?.state as HistoryState | undefined) ?? null;
  }

  async saveHistoryStep(vin: string, step: HistoryStep, options?: { keepState?: boolean }): Promise<void> {
    const put = (sk: string, record: unknown) =>
      this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: { pk: vehiclePk(vin), sk, record } }));
    // Records first, then the state that says they were made: a crash between the two makes them again, the same.
    await Promise.all([
      ...step.drives.map((d) => put(driveSk(d.start.at), d)),
      ...step.charges.map((c) => put(chargeSk(c.start.at), c)),
      ...step.versions.map((v) => put(versionSk(v.firstSeenAt), v)),
      ...(step.idles ?? []).map((i) => put(idleSk(i.startAt), i)),
    ]);
    if (options?.keepState) return;
    await this.options.client.send(
      new PutCommand({ TableName: this.options.tableName, Item: { pk: vehiclePk(vin), sk: HISTORY_STATE_SK, state: step.state } }),
    );
  }

  async keepImportedRecords(vin: string, records: { drives: readonly Drive[]; charges: readonly ChargingSession[] }): Promise<void> {
    const put = (sk: string, record: unknown) =>
      this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: { pk: vehiclePk(vin), sk, record, [KEPT_ATTRIBUTE]: true } }));
    await Promise.all([...records.drives.map((d) => put(driveSk(d.start.at), d)), ...records.charges.map((c) => put(chargeSk(c.start.at), c))]);
  }

  async importedRanges(vin: string): Promise<ImportedRange[]> {
    const items = await queryAll(this.options, 'pk = :pk AND begins_with(sk, :prefix)', { ':pk': vehiclePk(vin), ':prefix': IMPORTED_RANGE_SK_PREFIX });
    return items.map((item) => item.range as ImportedRange).sort((a, b) => a.fromMs - b.fromMs);
  }

  async putImportedRange(range: ImportedRange): Promise<void> {
    // The later end wins: a file imported again, or a longer import from the same first reading, never shortens it.
    await this.options.client
      .send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { pk: vehiclePk(range.vin), sk: importedRangeSk(range.source, range.fromMs) },
          UpdateExpression: 'SET #range = :range',
          ConditionExpression: 'attribute_not_exists(#range) OR #range.toMs <= :to',
          ExpressionAttributeNames: { '#range': 'range' },
          ExpressionAttributeValues: { ':range': range, ':to': range.toMs },
        }),
      )
      .catch((error: unknown) => {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      });
  }

  listDrives(vin: string, query: HistoryQuery): Promise<HistoryPage<Drive>> {
    return this.page<Drive>(vin, query, driveSk);
  }

  async getDrive(vin: string, id: string): Promise<Drive | null> {
    const at = Number(id);
    if (!/^\d{1,15}$/.test(id) || !Number.isSafeInteger(at)) return null;
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { pk: vehiclePk(vin), sk: driveSk(at) } }));
    return (Item?.record as Drive | undefined) ?? null;
  }

  async getCharge(vin: string, id: string): Promise<ChargingSession | null> {
    if (!/^\d{1,15}$/.test(id)) return null;
    const { Item } = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: { pk: vehiclePk(vin), sk: chargeSk(Number(id)) } }),
    );
    return (Item?.record as ChargingSession | undefined) ?? null;
  }

  async chargeCosts(vin: string): Promise<Map<string, number>> {
    const out = await this.options.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': vehiclePk(vin), ':prefix': CHARGE_COST_SK_PREFIX },
      }),
    );
    return new Map((out.Items ?? []).map((item) => [String(item.id), Number(item.cost)]));
  }

  async putChargeCost(vin: string, id: string, cost: number | null): Promise<void> {
    const Key = { pk: vehiclePk(vin), sk: chargeCostSk(id) };
    if (cost === null) await this.options.client.send(new DeleteCommand({ TableName: this.options.tableName, Key }));
    else await this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: { ...Key, id, cost } }));
  }

  listIdles(vin: string, query: HistoryQuery): Promise<HistoryPage<IdlePeriod>> {
    return this.page<IdlePeriod>(vin, query, idleSk);
  }

  listCharges(vin: string, query: HistoryQuery): Promise<HistoryPage<ChargingSession>> {
    return this.page<ChargingSession>(vin, query, chargeSk);
  }

  async listVersions(vin: string): Promise<SoftwareVersionSeen[]> {
    const out = await this.options.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': vehiclePk(vin), ':prefix': VERSION_SK_PREFIX },
      }),
    );
    return (out.Items ?? []).map((item) => item.record as SoftwareVersionSeen);
  }

  async listMonths(vin: string, fromMonth: string, toMonth: string): Promise<MonthTotals[]> {
    const out = await this.options.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': vehiclePk(vin), ':from': monthSk(fromMonth), ':to': monthSk(toMonth) },
      }),
    );
    return (out.Items ?? []).map((item) => item.record as MonthTotals);
  }

  async putMonth(totals: MonthTotals): Promise<void> {
    await this.options.client.send(
      new PutCommand({ TableName: this.options.tableName, Item: { pk: vehiclePk(totals.vin), sk: monthSk(totals.month), record: totals } }),
    );
  }

  async clearHistoryFrom(vin: string, fromMs: number, toMs = Number.POSITIVE_INFINITY): Promise<number> {
    let deleted = 0;
    for (const [sk, prefix] of [
      [driveSk, 'DRIVE#'],
      [chargeSk, 'CHARGE#'],
      [versionSk, VERSION_SK_PREFIX],
      [idleSk, 'IDLE#'],
    ] as const) {
      const keys = await queryAll(
        this.options,
        'pk = :pk AND sk BETWEEN :from AND :to',
        { ':pk': vehiclePk(vin), ':from': sk(fromMs), ':to': Number.isFinite(toMs) ? sk(toMs) : `${prefix}~` },
        `pk, sk, ${KEPT_ATTRIBUTE}`,
      );
      for (const item of keys) {
        if (item[KEPT_ATTRIBUTE] === true) continue;
        await this.options.client.send(new DeleteCommand({ TableName: this.options.tableName, Key: { pk: String(item.pk), sk: String(item.sk) } }));
        deleted += 1;
      }
    }
    return deleted;
  }

  private page<T>(vin: string, query: HistoryQuery, sk: (ms: number) => string): Promise<HistoryPage<T>> {
    const range = { fromMs: query.fromMs, toMs: query.toMs, fromSk: sk(query.fromMs), toSk: sk(query.toMs) };
    return queryRangePage<T>(this.options, vehiclePk(vin), range, query, 'record');
  }
}
