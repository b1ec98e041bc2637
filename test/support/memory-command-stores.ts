import type { RateLimitKind, RateLimitMemory } from '../../shared/domain/rate-limit-memory';
import type { SigningStatus, SigningStatusStore } from '../../shared/domain/signing-status';
import type { CommandAuditEntry, CommandAuditLog, IdempotencyClaim, IdempotencyStore } from '../../shared/domain/commands/command-ports';

/** In-memory audit log, idempotency keys and signing status for unit tests above those ports. */
export class MemoryCommandStores implements CommandAuditLog, IdempotencyStore, SigningStatusStore, RateLimitMemory {
  readonly limits = new Map<string, number>();
  readonly signing = new Map<string, SigningStatus>();
  readonly entries: CommandAuditEntry[] = [];
  readonly keys = new Map<string, { fingerprint: string; response: unknown; claimedAt: number }>();

  record(entry: CommandAuditEntry): Promise<void> {
    this.entries.push(structuredClone(entry));
    return Promise.resolve();
  }
  list(vin: string, page: { limit: number; cursor?: string | null }): Promise<{ items: CommandAuditEntry[]; cursor: string | null }> {
    const mine = this.entries.filter((e) => e.vin === vin).sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const start = page.cursor ? Number(page.cursor) : 0;
    return Promise.resolve({ items: mine.slice(start, start + page.limit), cursor: start + page.limit < mine.length ? String(start + page.limit) : null });
  }
  claim(vin: string, key: string, fingerprint: string, now: number, abandonAfterMs: number): Promise<IdempotencyClaim> {
    const existing = this.keys.get(`${vin}#${key}`);
    if (!existing) {
      this.keys.set(`${vin}#${key}`, { fingerprint, response: null, claimedAt: now });
      return Promise.resolve({ kind: 'claimed' });
    }
    if (existing.fingerprint !== fingerprint) return Promise.resolve({ kind: 'mismatch' });
    if (existing.response !== null) return Promise.resolve({ kind: 'replay', value: structuredClone(existing.response) });
    return Promise.resolve(existing.claimedAt < now - abandonAfterMs ? { kind: 'abandoned' } : { kind: 'in_progress' });
  }
  rateLimitedUntil(vin: string, kind: RateLimitKind): Promise<number | null> {
    return Promise.resolve(this.limits.get(`${vin}#${kind}`) ?? null);
  }
  rememberRateLimit(vin: string, kind: RateLimitKind, until: number): Promise<void> {
    this.limits.set(`${vin}#${kind}`, until);
    return Promise.resolve();
  }
  complete(vin: string, key: string, response: unknown): Promise<void> {
    this.keys.get(`${vin}#${key}`)!.response = response;
    return Promise.resolve();
  }
  release(vin: string, key: string): Promise<void> {
    this.keys.delete(`${vin}#${key}`);
    return Promise.resolve();
  }
  getSigningStatus(vin: string): Promise<SigningStatus | null> {
    return Promise.resolve(this.signing.get(vin) ?? null);
  }
  putSigningStatus(vin: string, status: SigningStatus): Promise<void> {
    this.signing.set(vin, status);
    return Promise.resolve();
  }
}
