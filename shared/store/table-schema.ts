/**
 * The single-table layout, shared by the adapter, the local host (which creates the table in dynalite) and the
 * CDK stack (which declares it).
 *
 * | item            | pk              | sk                          |
 * |-----------------|-----------------|-----------------------------|
 * | vehicle record  | ACCOUNT         | VEHICLE#<vin>               |
 * | learnt region   | ACCOUNT         | FLEET_HOST                  |
 * | listing memory  | ACCOUNT         | LISTING                     |
 * | collector run   | ACCOUNT         | COLLECTOR_RUN               |
 * | snapshot        | VEHICLE#<vin>   | SNAP#<ISO-8601 takenAt>     |
 * | day rollup      | VEHICLE#<vin>   | DAY#<YYYY-MM-DD>            |
 * | usage ledger    | VEHICLE#<vin> or ACCOUNT | USAGE#<YYYY-MM>    |
 * | command audit   | VEHICLE#<vin>   | CMD#<ISO time>#<id>         |
 * | idempotency key | VEHICLE#<vin>   | IDEM#<key>                  |
 * | signing session | VEHICLE#<vin>   | VCP#<domain>                |
 * | signing status  | VEHICLE#<vin>   | SIGNING                     |
 * | rate limit      | VEHICLE#<vin>   | LIMIT#<command or wake>     |
 * | drive           | VEHICLE#<vin>   | DRIVE#<ISO start>           |
 * | charging session| VEHICLE#<vin>   | CHARGE#<ISO start>          |
 * | software version| VEHICLE#<vin>   | SWVER#<ISO first seen>      |
 * | idle period     | VEHICLE#<vin>   | IDLE#<ISO start>            |
 * | state change    | VEHICLE#<vin>   | STATE#<ISO time>            |
 * | session cost    | VEHICLE#<vin>   | CHARGECOST#<session id>     |
 * | imported range  | VEHICLE#<vin>   | IMPORT#<source>#<ISO from>  |
 * | history state   | VEHICLE#<vin>   | HISTORY                     |
 * | month totals    | VEHICLE#<vin>   | MONTH#<YYYY-MM>             |
 * | logbook entry   | VEHICLE#<vin>   | LOG#<12-digit sequence>     |
 * | logbook index   | VEHICLE#<vin>   | LOGDRIVE#<ISO drive start>  |
 * | index progress  | VEHICLE#<vin>   | LOGINDEX                    |
 * | automation      | ACCOUNT         | AUTOMATION#<id>             |
 * | automation ids  | ACCOUNT         | AUTOMATIONS                 |
 * | notify settings | ACCOUNT         | NOTIFY#CONFIG               |
 * | notification    | ACCOUNT         | NOTIFY#OUT#<event>#<channel>|
 * | pending delivery| ACCOUNT         | NOTIFY#DUE#<event>#<channel>|
 * | detector memory | ACCOUNT         | NOTIFY#WATCH#<vin>          |
 * | streamed state  | VEHICLE#<vin>   | STREAM                      |
 *
 * Snapshots, state changes and audit entries expire with the retention (TTL), idempotency keys after a day, rate limits an hour
 * after they end; rollups and the
 * ledger are small and kept.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
/** Epoch seconds after which DynamoDB may delete the item (TTL is enabled on this attribute in CDK). */
export const TTL_ATTRIBUTE = 'expiresAt';

export const ACCOUNT_PK = 'ACCOUNT';
export const vehicleSk = (vin: string): string => `VEHICLE#${vin}`;
export const vehiclePk = (vin: string): string => `VEHICLE#${vin}`;
export const snapshotSk = (takenAt: number): string => `SNAP#${new Date(takenAt).toISOString()}`;
export const SNAPSHOT_SK_PREFIX = 'SNAP#';
export const daySk = (date: string): string => `DAY#${date}`;
export const usageSk = (month: string): string => `USAGE#${month}`;
export const usagePk = (scope: string): string => (scope === ACCOUNT_PK ? ACCOUNT_PK : vehiclePk(scope));
/** Command audit entries sort by time under the car: CMD#<ISO time>#<id>. */
export const commandSk = (at: number, id: string): string => `CMD#${new Date(at).toISOString()}#${id}`;
export const COMMAND_SK_PREFIX = 'CMD#';
export const idempotencySk = (key: string): string => `IDEM#${key}`;
/** Vehicle Command Protocol session per car and domain: VCP#<domain>. */
export const commandSessionSk = (domain: number): string => `VCP#${domain}`;
/** Whether the car needs signed commands (see domain/signing-status). */
export const SIGNING_STATUS_SK = 'SIGNING';
/** Until when Tesla said to stop sending a kind of request to the car (its last 429). */
export const rateLimitSk = (kind: string): string => `LIMIT#${kind}`;
/** Derived history (see domain/history): records keyed by their start, so deriving again overwrites, never doubles. */
export const driveSk = (startAt: number): string => `DRIVE#${new Date(startAt).toISOString()}`;
export const chargeSk = (startAt: number): string => `CHARGE#${new Date(startAt).toISOString()}`;
export const versionSk = (firstSeenAt: number): string => `SWVER#${new Date(firstSeenAt).toISOString()}`;
export const VERSION_SK_PREFIX = 'SWVER#';
export const HISTORY_STATE_SK = 'HISTORY';
/** Each car's streamed fields so far (see domain/telemetry/stream-fold). */
export const STREAM_STATE_SK = 'STREAM';
/** Whether the car should stream and its connection to the receiver (see domain/telemetry/stream-watch). */
export const STREAM_WATCH_SK = 'STREAM#WATCH';
export const monthSk = (month: string): string => `MONTH#${month}`;
/** A scheduled command (see domain/automations). */
export const automationSk = (id: string): string => `AUTOMATION#${id}`;
export const AUTOMATION_SK_PREFIX = 'AUTOMATION#';
/** Every automation's id and when it was added: the one item whose size the automation limit is checked on. */
export const AUTOMATION_INDEX_SK = 'AUTOMATIONS';
/** Notifications: the owner's channels, each delivery (kept 30 days), the ones still to send, detector memory. */
export const NOTIFY_CONFIG_SK = 'NOTIFY#CONFIG';
export const NOTIFY_OUT_PREFIX = 'NOTIFY#OUT#';
export const NOTIFY_DUE_PREFIX = 'NOTIFY#DUE#';
export const notifyWatchSk = (key: string): string => `NOTIFY#WATCH#${key}`;
/** The Fleet API host a 421 taught us (AWS readers cannot write the token secret). */
export const FLEET_HOST_SK = 'FLEET_HOST';
/** When the cars were last listed, and since when all have been asleep (see domain/list-policy). */
export const LISTING_SK = 'LISTING';
/** The collector's run lease and how its last run ended (see domain/collector-run). */
export const COLLECTOR_RUN_SK = 'COLLECTOR_RUN';
/** The trip logbook's chain: append-only, in sequence order (see domain/history/logbook). */
export const logSk = (seq: number): string => `LOG#${String(seq).padStart(12, '0')}`;
export const LOG_SK_PREFIX = 'LOG#';
/** The logbook's index (see domain/history/logbook-index): one item per logged drive, by the drive's start. */
export const logDriveSk = (startAt: number): string => `LOGDRIVE#${new Date(startAt).toISOString()}`;
export const LOG_INDEX_SK = 'LOGINDEX';
export const idleSk = (startAt: number): string => `IDLE#${new Date(startAt).toISOString()}`;
/** A charging session's cost set by the owner, apart from the derived session so that re-deriving keeps it. */
export const chargeCostSk = (id: string): string => `CHARGECOST#${id}`;
export const CHARGE_COST_SK_PREFIX = 'CHARGECOST#';
/** A stretch imported from another logger's readings (see domain/history ImportedRange). */
export const importedRangeSk = (source: string, fromMs: number): string => `IMPORT#${source}#${new Date(fromMs).toISOString()}`;
export const IMPORTED_RANGE_SK_PREFIX = 'IMPORT#';
/** Set on drives and sessions kept from another logger: re-deriving does not clear them. */
export const KEPT_ATTRIBUTE = 'kept';
/** Tesla's record of a Supercharger session (domain/supercharger), by its start and Tesla's id; kept apart from the derived sessions. */
export const teslaChargeSk = (startAt: number, sessionId: string): string => `SCBILL#${new Date(startAt).toISOString()}#${sessionId}`;
export const TESLA_CHARGE_SK_PREFIX = 'SCBILL#';
/** When Tesla's charging history was last read for the car, and whether Tesla refused it. */
export const BILLING_SYNC_SK = 'SCBILLSYNC';
/** A named place (domain/places), under the account: `ACCOUNT` / `PLACE#<id>`. */
export const placeSk = (id: string): string => `PLACE#${id}`;
export const PLACE_SK_PREFIX = 'PLACE#';
/** The place the owner chose for a charging session by hand, apart from the derived session. */
export const chargePlaceSk = (chargeId: string): string => `CHARGEPLACE#${chargeId}`;
export const CHARGE_PLACE_SK_PREFIX = 'CHARGEPLACE#';
/** A change of the car's listed state (online, asleep, offline), kept for idle periods' asleep share. */
export const stateChangeSk = (at: number): string => `STATE#${new Date(at).toISOString()}`;
