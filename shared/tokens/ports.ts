import type { TokenBundle } from './token-bundle';

/** Durable home of the token bundle: Secrets Manager in AWS, a file locally. */
export interface TokenStore {
  read(): Promise<TokenBundle | null>;
  /** Must be durable when it resolves: a refresh token that was not saved is a lost login. */
  write(bundle: TokenBundle): Promise<void>;
}

export interface TokenGrant {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  scopes: string[] | null;
}

/** Tesla's token endpoint. */
export interface OAuthClient {
  refresh(input: { clientId: string; clientSecret?: string; refreshToken: string }): Promise<TokenGrant>;
  /** The authorization-code grant of the one-time login; `audience` is the account's Fleet API host. */
  exchangeCode(input: { clientId: string; clientSecret: string; code: string; redirectUri: string; audience: string }): Promise<TokenGrant>;
}

/**
 * Gets the owner a fresh access token. There is exactly one renewer per deployment: locally an in-process one;
 * in AWS the Secrets Manager rotation, which readers only ask to run.
 */
export interface TokenRenewer {
  renew(): Promise<TokenBundle>;
}

/** What the Fleet API client needs: a usable access token, and a way out when Tesla rejects one. */
export interface AccessTokenProvider {
  get(): Promise<string>;
  /** Called after a 401 with the token Tesla rejected; returns a different, fresh one. */
  renewAfterRejection(rejected: string): Promise<string>;
}
