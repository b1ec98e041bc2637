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
  woke: boolean;
  transport: 'signed' | 'rest';
  caller: { sourceIp: string; userAgent: string };
  idempotencyKey: string | null;
}

export interface CommandAuditLog {
  record(entry: CommandAuditEntry): Promise<void>;
  /** Newest first. */
  list(vin: string, page: { limit: number; cursor?: string | null }): Promise<{ items: CommandAuditEntry[]; cursor: string | null }>;
}

/** A stored answer to replay for a retried request. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

/**
 * Remembers, per car, which Idempotency-Key was used for which request and what it answered, for a day. A claim is
 * atomic: of two concurrent requests with one key, one runs and the other is told it is in progress.
 */
export interface IdempotencyStore {
  claim(vin: string, key: string, fingerprint: string, now: number): Promise<IdempotencyClaim>;
  complete(vin: string, key: string, response: StoredResponse): Promise<void>;
  /** Frees the key so a retry runs again (after an answer worth retrying, such as "car still waking"). */
  release(vin: string, key: string): Promise<void>;
}
