export type NodeEnv = 'development' | 'production' | 'test';

/** `smtp`: the database outbox delivers through SMTP_URL; `file`: one `.eml` file per mail in MAIL_DIR. */
export type MailTransport = 'smtp' | 'file';

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

/** The retention job (src/retention/). */
export interface RetentionConfig {
  /** RETENTION_ENABLED=false: no schedule in this process (the CLI and the operator API still run it). */
  enabled: boolean;
  /** RETENTION_CRON, evaluated in UTC. */
  cron: string;
  /** Rows per batch; each batch is its own short transaction (RETENTION_BATCH_SIZE). */
  batchSize: number;
  /** Pause between batches, leaving the database to other work (RETENTION_BATCH_PAUSE_MS). */
  batchPauseMs: number;
}

/** One OpenID Connect provider (OAUTH_PROVIDERS entry); `name` is the {provider} path segment. */
export interface OAuthProviderConfig {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

/** HTTP server limits (slow or idle clients must not hold sockets or descriptors). */
export interface HttpServerConfig {
  /** Complete request headers must arrive within this (HTTP_HEADERS_TIMEOUT_MS). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (HTTP_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (HTTP_KEEP_ALIVE_TIMEOUT_MS). */
  keepAliveTimeoutMs: number;
  /** Open connections above this are refused (HTTP_MAX_CONNECTIONS). */
  maxConnections: number;
}

/** Database connection pools (PostgreSQL) and the export limits. */
export interface DatabasePoolConfig {
  /** Connections of the main pool (DATABASE_POOL_SIZE). */
  size: number;
  /** Wait for a pool connection at most this long, then 503 (DATABASE_ACQUIRE_TIMEOUT_MS). */
  acquireTimeoutMs: number;
  /** Connections reserved for CSV exports, apart from the main pool (EXPORT_POOL_SIZE). */
  exportPoolSize: number;
  /** Concurrent exports per account on one instance; more answer 429 (EXPORTS_PER_ACCOUNT). */
  exportsPerAccount: number;
  /** An export whose client reads nothing for this long is ended (EXPORT_IDLE_TIMEOUT_SECONDS). */
  exportIdleTimeoutSeconds: number;
}

/** The mail outbox (SMTP only): retries with exponential backoff. */
export interface MailOutboxConfig {
  /** Connect, greeting and socket timeout of one SMTP delivery (SMTP_TIMEOUT_MS). */
  smtpTimeoutMs: number;
  /** How often the worker looks for due mail (MAIL_OUTBOX_POLL_MS). */
  pollMs: number;
  /** First retry delay; doubles per attempt up to one hour (MAIL_RETRY_BASE_SECONDS). */
  retryBaseSeconds: number;
  /** Attempts before a mail is given up and logged (MAIL_MAX_ATTEMPTS). */
  maxAttempts: number;
}

/** OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; OTEL_SERVICE_NAME). */
export interface TracingConfig {
  /** Where spans are POSTed (OTLP/HTTP, JSON). */
  tracesUrl: string;
  serviceName: string;
}

/** Passkeys (WebAuthn): the relying party and the origins a ceremony may come from. */
export interface WebAuthnConfig {
  /** WEBAUTHN_RP_ID: a domain every origin's host is or ends with. */
  rpId: string;
  rpName: string;
  /** WEBAUTHN_ORIGINS; default the dashboard origins. */
  origins: string[];
}

/** Webhook delivery (src/events/webhook-deliveries/). */
export interface WebhooksConfig {
  /** WEBHOOK_DELIVERY_ENABLED=false: this process records events but delivers nothing. */
  deliveryEnabled: boolean;
  /** WEBHOOK_ALLOW_PRIVATE=true lets deliveries reach loopback/private/link-local addresses (development, tests). */
  allowPrivate: boolean;
  /** How often the worker looks for due deliveries (WEBHOOK_POLL_MS). */
  pollMs: number;
  /** TCP + TLS connect timeout (WEBHOOK_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs: number;
  /** The whole answer must arrive within this after connecting (WEBHOOK_RESPONSE_TIMEOUT_MS). */
  responseTimeoutMs: number;
  /** Extra CA certificate(s) trusted for receivers, PEM file (WEBHOOK_CA_FILE); null = the system's. */
  caFile: string | null;
  /** An endpoint failing this long is disabled (WEBHOOK_DISABLE_AFTER_HOURS, default 5 days). */
  disableAfterHours: number;
}

/** The one validated configuration object. Nothing outside src/config/ reads process.env. */
export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  /** DATABASE_CONNECT_TIMEOUT_SECONDS: how long start-up retries an unreachable PostgreSQL. */
  databaseConnectTimeoutSeconds: number;
  /** ALLOW_EMBEDDED_DATABASE: production on the embedded database was asked for (warned at start-up). */
  allowEmbeddedDatabase: boolean;
  redisUrl: string | null;
  tlsCertFile: string | null;
  tlsKeyFile: string | null;
  /** Proxy addresses/CIDRs; non-null switches to plain HTTP behind a TLS-terminating proxy. */
  trustProxy: string[] | null;
  /** PROBE_SOURCES: addresses/CIDRs (besides loopback) whose liveness/readiness probes need no TLS. */
  probeSources: string[];
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
  mailTransport: MailTransport;
  mailDir: string;
  mailFrom: string;
  dashboardOrigins: string[];
  webAuthn: WebAuthnConfig;
  bodyLimitBytes: number;
  /** Largest compliance document upload, in bytes of the file itself (DOCUMENT_MAX_BYTES). */
  documentMaxBytes: number;
  /** bcrypt work factor for passwords (12 by default; tests lower it to stay fast). */
  bcryptCost: number;
  logLevel: string;
  /** `pretty` (one readable line per entry; the development default) or `json` (production). */
  logFormat: 'json' | 'pretty';
  /** The `.env` file the variables were read from, if any (loadConfigFromProcess). */
  envFile: string | null;
  oauthProviders: OAuthProviderConfig[];
  /** Public origin of this API for OAuth redirect URIs; null derives it from the request. */
  publicApiUrl: string | null;
  /** Seconds in-flight requests get after SIGTERM/SIGINT (SHUTDOWN_GRACE_SECONDS). */
  shutdownGraceSeconds: number;
  http: HttpServerConfig;
  pools: DatabasePoolConfig;
  mailOutbox: MailOutboxConfig;
  /** Key of `npm run backup`/`restore` archives (BACKUP_KEY, base64 of 32 bytes); only those commands need it. */
  backupKey: Buffer | null;
  retention: RetentionConfig;
  /**
   * Lease of a running idempotent request (IDEMPOTENCY_LOCK_SECONDS, 60 by default): renewed while
   * the request runs; a retry takes the key over only once its holder stopped renewing it.
   */
  idempotencyLockSeconds: number;
  /** METRICS_PORT: /metrics also served without the admin token on this port (plain HTTP); null: none. */
  metricsPort: number | null;
  /** DOCS_ENABLED=false: no Swagger UI and no OpenAPI document served. */
  docsEnabled: boolean;
  /** Null: tracing off (the default). */
  tracing: TracingConfig | null;
  webhooks: WebhooksConfig;
}
