import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BillingSync, SuperchargerBillingStore } from '../domain/supercharger/billing-store';
import type { TeslaChargingRecord } from '../domain/supercharger/tesla-charging-record';
import { queryAll } from './query-all';
import { BILLING_SYNC_SK, TESLA_CHARGE_SK_PREFIX, teslaChargeSk, vehiclePk } from './table-schema';

/** Tesla's Supercharger records in the single table: one small item per session, and the car's sync state. */
export class DynamoDbBillingStore implements SuperchargerBillingStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async getBillingSync(vin: string): Promise<BillingSync | null> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { pk: vehiclePk(vin), sk: BILLING_SYNC_SK } }));
    return Item ? (Item.sync as BillingSync) : null;
  }

  async putBillingSync(vin: string, sync: BillingSync): Promise<void> {
    await this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: { pk: vehiclePk(vin), sk: BILLING_SYNC_SK, sync } }));
  }

  async putTeslaCharges(vin: string, records: readonly TeslaChargingRecord[]): Promise<void> {
    for (const record of records) {
      await this.options.client.send(
        new PutCommand({ TableName: this.options.tableName, Item: { pk: vehiclePk(vin), sk: teslaChargeSk(record.startAt, record.sessionId), record } }),
      );
    }
  }

  async teslaChargesBetween(vin: string, fromMs: number, toMs: number): Promise<TeslaChargingRecord[]> {
    const items = await queryAll(this.options, 'pk = :pk AND sk BETWEEN :from AND :to', {
      ':pk': vehiclePk(vin),
      ':from': `${TESLA_CHARGE_SK_PREFIX}${new Date(fromMs).toISOString()}`,
      ':to': `${TESLA_CHARGE_SK_PREFIX}${new Date(toMs).toISOString()}~`,
    });
    return items.map((item) => item.record as TeslaChargingRecord);
  }
}
