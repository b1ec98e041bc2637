import type { DescribedFailure, Failure } from '../domain/failure';
import type { CommandNotRunMark } from '../domain/fleet-errors';
import * as z from 'zod';
import { lazily } from '../domain/lazily';

/**
 * Everything the system holds of the owner's Tesla authorization, kept as one JSON secret. Nothing else in the
 * system stores a Tesla token.
 */
export const tokenBundleSchema = lazily(() =>
  z.object({
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    refreshToken: z.string().min(1),
    accessToken: z.string().min(1).optional(),
    /** ms since the epoch. */
    accessTokenExpiresAt: z.number().int().optional(),
    scopes: z.array(z.string()).optional(),
    /** The Fleet API host that serves this account, once known. */
    fleetApiBaseUrl: z.url().optional(),
    updatedAt: z.number().int().optional(),
  }),
);

export type TokenBundle = z.infer<ReturnType<typeof tokenBundleSchema>>;

export class TokenBundleInvalidError extends Error implements CommandNotRunMark, DescribedFailure {
  /** Raised before a command reached the car, or as the car's refusal of it. */
  readonly commandDidNotRun = true as const;

  constructor(detail: string) {
    super(`the stored Tesla token bundle is invalid: ${detail}`);
    this.name = 'TokenBundleInvalidError';
  }

  failure(): Failure {
    return { code: 'tesla_not_configured', message: this.message };
  }
}

/** Parses stored JSON; the error names the bad fields, never their values. */
export function parseTokenBundle(json: string): TokenBundle {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new TokenBundleInvalidError('not JSON');
  }
  const parsed = tokenBundleSchema().safeParse(raw);
  if (!parsed.success) {
    throw new TokenBundleInvalidError(parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', '));
  }
  return parsed.data;
}

/** Secrets Manager rotates the token secret this often (its shortest schedule), well inside the access token's 8-hour life. */
export const ROTATION_INTERVAL_HOURS = 4;

/**
 * How long a reader in AWS keeps the bundle it read before reading the secret again: a rotation period. What it
 * holds stays valid until it nears expiry (then it renews at once) or Tesla retires it at the next rotation (a 401,
 * after which it reads the secret again and retries). Reading every minute instead cost ~44,000 calls a month.
 */
export const READER_TOKEN_CACHE_MS = ROTATION_INTERVAL_HOURS * 3_600_000;

/** Renew this long before the access token expires (Tesla suggests within a minute of expiry). */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;

export function needsRenewal(bundle: TokenBundle, now: number): boolean {
  return bundle.accessToken === undefined || (bundle.accessTokenExpiresAt ?? 0) - RENEW_BEFORE_EXPIRY_MS <= now;
}
