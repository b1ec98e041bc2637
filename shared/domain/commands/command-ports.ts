/** One command as the audit log keeps it. */
export interface CommandAuditEntry {
  vin: string;
  id: string;
  at: number;
  command: string;
  body: Record<string, unknown>;
  /** done | already_done | failed | error */
  outcome: string;
  /** Tesla's reason, or the error code the caller got. */
  reason: string;
  latencyMs: number;
  /** A billed wake was sent (whether or not the command then ran). */
  woke: boolean;
  /** The transport of the last attempt to send the command; null when it was never sent. */
  transport: 'signed' | 'rest' | null;
  /** Tesla's HTTP status for the request that decided the outcome; null when Tesla did not answer or was not asked. */
  teslaStatus?: number | null;
  /** Where it came from, and which API token sent it (`owner` or a read-only token's name; older rows lack it). */
  caller: { sourceIp: string; userAgent: string; token?: string };
  idempotencyKey: string | null;
  /** Who asked: the API (a person or an integration), or a scheduled automation. Older rows lack it (API). */
  source?: 'api' | 'automation';
}

export interface CommandAuditLog {
  record(entry: CommandAuditEntry): Promise<void>;
  /** Newest first. */
  list(vin: string, page: { limit: number; cursor?: string | null }): Promise<{ items: CommandAuditEntry[]; cursor: string | null }>;
}

export type IdempotencyClaim =
  | { kind: 'claimed' }
  /** The request with this key ended; `value` is what it kept (a command's outcome, an occurrence's run). */
  | { kind: 'replay'; value: unknown }
  | { kind: 'in_progress' }
  /** Still marked in progress long after any request could have run: the request died; its outcome is unknown. */
  | { kind: 'abandoned' }
  | { kind: 'mismatch' };

/**
 * Remembers, per car, which Idempotency-Key was used for which request and how it ended, for a day. A claim is
 * atomic: of two concurrent requests with one key, one runs and the other is told it is in progress.
 */
export interface IdempotencyStore {
  /** A claim in progress for longer than `abandonAfterMs` is reported `abandoned`, never handed out again. */
  claim(vin: string, key: string, fingerprint: string, now: number, abandonAfterMs: number): Promise<IdempotencyClaim>;
  /** Ends the request holding the key, keeping `value` (plain JSON) for every retry. */
  complete(vin: string, key: string, value: unknown): Promise<void>;
  /** Frees the key so a retry runs again (after an answer worth retrying, such as "car still waking"). */
  release(vin: string, key: string): Promise<void>;
}
