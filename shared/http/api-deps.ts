import type { StreamingDeps } from '../domain/telemetry/streaming-commands';
import type { PlaceStore } from '../domain/places/place';
import type { SuperchargerBillingStore } from '../domain/supercharger/billing-store';
import type { OutboundPolicy } from '../notify/outbound-guard';
import type { CollectorHalt } from '../domain/collector-run';
import type { AutomationStore, AutomationTrigger } from '../domain/automations/automation';
import type { Clock } from '../domain/clock';
import type { NotificationOutbox } from '../domain/notifications/notification';
import type { Notifier } from '../domain/notifications/notifier';
import type { CollectorSummary } from '../domain/collector';
import type { CommandAuditLog, IdempotencyStore } from '../domain/commands/command-ports';
import type { SignedSender } from '../domain/commands/execute-command';
import type { FleetApi } from '../domain/fleet-api';
import type { HistoryStore } from '../domain/history/history-store';
import type { RateLimitMemory } from '../domain/rate-limit-memory';
import type { SigningStatusStore } from '../domain/signing-status';
import type { Log, SnapshotStore, UsageLedger, VehicleStore } from '../domain/stores';
import type { CommandKey } from '../vcp/command-key';

/** What the HTTP API needs, built once per cold start by the function (or by the local host). */
export interface ApiDeps {
  vehicles: VehicleStore;
  snapshots: SnapshotStore;
  /** Drives, charging sessions and versions derived from the snapshots. */
  history: HistoryStore;
  usage: UsageLedger;
  /** The account's monthly Tesla budget (USD), shared equally by its cars. */
  monthlyBudgetUsd: number;
  /** What a kWh costs the owner, for charging sessions' cost; unset or null: only costs set by hand are shown. */
  pricePerKwh?: number | null;
  /** What a list or state call costs, if Tesla ever bills them (USD per call; default 0). */
  listCallPriceUsd?: number;
  /** What a charging-history call costs (USD per call; default: the data price). */
  historyCallPriceUsd?: number;
  /** Tesla's Supercharger records, to show a DC session's bill. */
  billing?: SuperchargerBillingStore;
  /** Named places and their tariffs. */
  places?: PlaceStore;
  /** The owner's map tile URL template (MAP_TILE_URL), or null: the dashboard's map draws no tiles. */
  mapTileUrl?: string | null;
  fleet: FleetApi;
  clock: Clock;
  log: Log;
  allowedCommands: ReadonlySet<string>;
  audit: CommandAuditLog;
  idempotency: IdempotencyStore;
  /** How long a command request may take, waking included (API Gateway gives up at 30 s). */
  commandTimeoutMs: number;
  /** Waits between checks of a waking car. */
  sleep(ms: number): Promise<void>;
  /** Told of every command that did not succeed (a metric in AWS). */
  commandFailed?(code: string): void;
  /** Signed commands (Vehicle Command Protocol), tried first where the command has a signed encoding. */
  signed?: SignedSender;
  /** Which cars need signed commands, remembered in the table. */
  signing: SigningStatusStore;
  /** Tesla's 429s per car, remembered so the next request waits instead of paying for another 429. */
  rateLimits: RateLimitMemory;
  /** The app's key for signed commands, if one was created (`npm run keys`). */
  commandKey?: () => Promise<CommandKey | null>;
  /** Scheduled commands: where they are kept, and what fires them (EventBridge Scheduler, or the local scheduler). */
  automations?: { store: AutomationStore; trigger: AutomationTrigger };
  /** Notifications: the owner's channels and what was delivered; e-mail only where the stack has a topic for it. */
  /** Where the owner pairs this deployment's command key (locally the simulator's page), once known. */
  pairingUrl?: () => string | null;
  /** `policy`: where notifications may be sent (checked when a channel is set, and again when sending). */
  notifications?: { outbox: NotificationOutbox; notifier: Notifier; emailAvailable: boolean; policy: OutboundPolicy };
  /** Streaming with Fleet Telemetry, when the stack has a receiver (`telemetryHostName`). */
  streaming?: Pick<StreamingDeps, 'telemetry' | 'receiver' | 'signer' | 'watch' | 'allowlist' | 'activity'>;
  /** Local host only: runs one collector pass now (`POST /local/collect`). */
  collectNow?: () => Promise<CollectorSummary | CollectorHalt>;
}
