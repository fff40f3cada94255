export type NodeEnv = 'development' | 'production' | 'test';

export interface EncryptionKey {
  kid: string;
  key: Buffer;
}

export interface RateLimitConfig {
  readPerMinute: number;
  writePerMinute: number;
  anonPerMinute: number;
  authPerMinute: number;
  /** Prefix of every rate-limit key in Redis (RATE_LIMIT_REDIS_PREFIX). */
  redisKeyPrefix: string;
}

/** One OpenID Connect provider (OAUTH_PROVIDERS entry); `name` is the {provider} path segment. */
export interface OAuthProviderConfig {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

/** The one validated configuration object. Nothing outside src/config/ reads process.env. */
export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  tlsCertFile: string | null;
  tlsKeyFile: string | null;
  /** Proxy addresses/CIDRs; non-null switches to plain HTTP behind a TLS-terminating proxy. */
  trustProxy: string[] | null;
  /** First signs, all verify. */
  sessionSecrets: string[];
  apiKeyPepper: string;
  /** First encrypts, all decrypt. */
  encryptionKeys: EncryptionKey[];
  sessionIdleTimeoutSeconds: number;
  sessionMaxAgeSeconds: number;
  rateLimit: RateLimitConfig;
  adminApiToken: string | null;
  smtpUrl: string | null;
  mailDir: string;
  mailFrom: string;
  dashboardOrigins: string[];
  bodyLimitBytes: number;
  /** bcrypt work factor for passwords (12 by default; tests lower it to stay fast). */
  bcryptCost: number;
  logLevel: string;
  oauthProviders: OAuthProviderConfig[];
  /** Public origin of this API for OAuth redirect URIs; null derives it from the request. */
  publicApiUrl: string | null;
  /**
   * Lease of a running idempotent request (IDEMPOTENCY_LOCK_SECONDS, 60 by default): renewed while
   * the request runs; a retry takes the key over only once its holder stopped renewing it.
   */
  idempotencyLockSeconds: number;
}
