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
}
