import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Place, PlaceStore } from '../domain/places/place';
import { queryAll } from './query-all';
import { ACCOUNT_PK, CHARGE_PLACE_SK_PREFIX, chargePlaceSk, PLACE_SK_PREFIX, placeSk, vehiclePk } from './table-schema';

/** Places in the single table: one item each under the account, and the places chosen for sessions by hand. */
export class DynamoDbPlaceStore implements PlaceStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async listPlaces(): Promise<Place[]> {
    const items = await queryAll(this.options, 'pk = :pk AND begins_with(sk, :prefix)', { ':pk': ACCOUNT_PK, ':prefix': PLACE_SK_PREFIX });
    return items.map((item) => item.place as Place);
  }

  async getPlace(id: string): Promise<Place | null> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { pk: ACCOUNT_PK, sk: placeSk(id) } }));
    return Item ? (Item.place as Place) : null;
  }

  async putPlace(place: Place): Promise<void> {
    await this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: { pk: ACCOUNT_PK, sk: placeSk(place.id), place } }));
  }

  async deletePlace(id: string): Promise<boolean> {
    const out = await this.options.client.send(
      new DeleteCommand({ TableName: this.options.tableName, Key: { pk: ACCOUNT_PK, sk: placeSk(id) }, ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes !== undefined;
  }

  async chargePlaces(vin: string): Promise<Map<string, string>> {
    const items = await queryAll(this.options, 'pk = :pk AND begins_with(sk, :prefix)', { ':pk': vehiclePk(vin), ':prefix': CHARGE_PLACE_SK_PREFIX });
    return new Map(items.map((item) => [String(item.chargeId), String(item.placeId)]));
  }

  async putChargePlace(vin: string, chargeId: string, placeId: string | null): Promise<void> {
    const Key = { pk: vehiclePk(vin), sk: chargePlaceSk(chargeId) };
    if (placeId === null) await this.options.client.send(new DeleteCommand({ TableName: this.options.tableName, Key }));
    else await this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: { ...Key, chargeId, placeId } }));
  }
}
