/**
 * The single-table layout, shared by the adapter, the local host (which creates the table in dynalite) and the
 * CDK stack (which declares it).
 *
 * | item            | pk              | sk                          |
 * |-----------------|-----------------|-----------------------------|
 * | vehicle record  | ACCOUNT         | VEHICLE#<vin>               |
 * | snapshot        | VEHICLE#<vin>   | SNAP#<ISO-8601 takenAt>     |
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
/** Epoch seconds after which DynamoDB may delete the item (TTL is enabled on this attribute in CDK). */
export const TTL_ATTRIBUTE = 'expiresAt';

export const ACCOUNT_PK = 'ACCOUNT';
export const vehicleSk = (vin: string): string => `VEHICLE#${vin}`;
export const vehiclePk = (vin: string): string => `VEHICLE#${vin}`;
export const snapshotSk = (takenAt: number): string => `SNAP#${new Date(takenAt).toISOString()}`;
export const SNAPSHOT_SK_PREFIX = 'SNAP#';
