import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { validateCronExpression } from 'cron';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { ConfigError } from './config-error';
import type { AppConfig, EncryptionKey, MailTransport, NodeEnv, OAuthProviderConfig, TracingConfig, WebAuthnConfig } from './config.types';
import { generateDevSecrets, loadOrCreateDevSecrets, readDevSecrets } from './dev-secrets';

export interface LoadOptions {
  /**
   * false: development secrets missing from DATA_DIR are made up in memory, not written (restore
   * must leave nothing behind when it refuses; the made-up keys match no archive).
   */
  persistDevSecrets?: boolean;
}

export type Env = Record<string, string | undefined>;

const DEFAULT_DASHBOARD_ORIGINS = ['https://dashboard.didhub.io', 'https://dash.didhub.io'];

function str(env: Env, name: string): string | null {
  const value = env[name];
  return value === undefined || value.trim() === '' ? null : value.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}`);
  return value;
}

function parseNodeEnv(env: Env): NodeEnv {
  const raw = str(env, 'NODE_ENV') ?? 'development';
  if (raw !== 'development' && raw !== 'production' && raw !== 'test') {
    throw new ConfigError(`NODE_ENV must be development, production or test, got "${raw}"`);
  }
  return raw;
}

export function parseEncryptionKeys(raw: string, name = 'ENCRYPTION_KEYS'): EncryptionKey[] {
  const keys = raw.split(',').map((entry, index) => {
    const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=_-]+)$/.exec(entry.trim());
    if (!match) throw new ConfigError(`${name} entry ${index + 1} must look like kid:base64key`);
    const key = Buffer.from(match[2], 'base64');
    if (key.length !== 32) throw new ConfigError(`${name} key "${match[1]}" must decode to 32 bytes`);
    return { kid: match[1], key };
  });
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) {
    throw new ConfigError(`${name} has a duplicate key id`);
  }
  return keys;
}

function parseTrustProxy(raw: string | null, name = 'TRUST_PROXY'): string[] | null {
  if (raw === null) return null;
  const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    if (!family || (bits !== undefined && (!/^\d+$/.test(bits) || Number(bits) > maxBits))) {
      throw new ConfigError(`${name} entry "${entry}" is not an IP address or CIDR`);
    }
  }
  return entries.length ? entries : null;
}

function parseOrigins(raw: string | null, name = 'DASHBOARD_ORIGINS', defaults = DEFAULT_DASHBOARD_ORIGINS): string[] {
  if (raw === null) return defaults;
  return raw.split(',').map((origin) => {
    const trimmed = origin.trim();
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new ConfigError(`${name} entry "${trimmed}" is not a URL`);
    }
    if (url.origin !== trimmed) {
      throw new ConfigError(`${name} entry "${trimmed}" must be a bare origin like https://host`);
    }
    return trimmed;
  });
}

/**
 * The passkey relying party. Its id must be each origin's host or a parent domain of it, or
 * browsers refuse every ceremony: checked here, at boot, rather than found by users. Unset, it
 * is the longest domain the origins share (`didhub.io` for the two dashboard hosts).
 */
export function parseWebAuthn(rawRpId: string | null, rawOrigins: string | null, dashboardOrigins: string[]): WebAuthnConfig {
  const origins = parseOrigins(rawOrigins, 'WEBAUTHN_ORIGINS', dashboardOrigins);
  const hosts = origins.map((origin) => new URL(origin).hostname);
  const rpId = rawRpId?.trim().toLowerCase() ?? commonDomain(hosts);
  if (!rpId) throw new ConfigError(`WEBAUTHN_RP_ID is required: the origins ${origins.join(', ')} share no domain`);
  if (isIP(rpId)) throw new ConfigError(`WEBAUTHN_RP_ID "${rpId}" must be a domain name, not an IP address`);
  for (const [i, host] of hosts.entries()) {
    if (host !== rpId && !host.endsWith(`.${rpId}`)) {
      throw new ConfigError(`WEBAUTHN_RP_ID "${rpId}" is neither the host of ${origins[i]} nor a parent domain of it`);
    }
  }
  return { rpId, rpName: 'DIDHub', origins };
}

function commonDomain(hosts: string[]): string | null {
  const labels = hosts.map((host) => host.split('.').reverse());
  const shared: string[] = [];
  for (let i = 0; labels.every((l) => i < l.length && l[i] === labels[0][i]); i++) shared.push(labels[0][i]);
  // A bare top-level domain ("io") is no relying party; a single host ("localhost") is.
  if (shared.length === 0 || (shared.length === 1 && labels.some((l) => l.length > 1))) return null;
  return shared.reverse().join('.');
}

function checkUrl(raw: string | null, name: string, protocols: string[]): string | null {
  if (raw === null) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}`);
  }
  return raw;
}

const OAUTH_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** OAUTH_PROVIDERS: JSON array of {name, issuer, client_id, client_secret, scopes?}. */
export function parseOAuthProviders(raw: string | null, name = 'OAUTH_PROVIDERS'): OAuthProviderConfig[] {
  if (raw === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${name} must be a JSON array`);
  }
  if (!Array.isArray(parsed)) throw new ConfigError(`${name} must be a JSON array`);
  const providers = parsed.map((entry: unknown, index): OAuthProviderConfig => {
    const at = `${name} entry ${index + 1}`;
    if (typeof entry !== 'object' || entry === null) throw new ConfigError(`${at} must be an object`);
    const e = entry as Record<string, unknown>;
    const text = (key: string): string => {
      const value = e[key];
      if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(`${at} needs a non-empty "${key}"`);
      return value.trim();
    };
    const providerName = text('name');
    if (!OAUTH_NAME.test(providerName)) throw new ConfigError(`${at} "name" must be lower-case letters, digits, - or _`);
    const issuer = text('issuer');
    let url: URL;
    try {
      url = new URL(issuer);
    } catch {
      throw new ConfigError(`${at} "issuer" is not a URL`);
    }
    // Plain http only for an issuer on this machine (local development and tests).
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw new ConfigError(`${at} "issuer" must use https`);
    }
    const scopes: unknown = e.scopes === undefined ? ['openid', 'email', 'profile'] : e.scopes;
    if (!Array.isArray(scopes) || !scopes.every((s: unknown) => typeof s === 'string' && /^[\x21-\x7e]+$/.test(s)) || !scopes.includes('openid')) {
      throw new ConfigError(`${at} "scopes" must be an array of scope strings including "openid"`);
    }
    return { name: providerName, issuer, clientId: text('client_id'), clientSecret: text('client_secret'), scopes: scopes as string[] };
  });
  if (new Set(providers.map((p) => p.name)).size !== providers.length) {
    throw new ConfigError(`${name} has a duplicate provider name`);
  }
  return providers;
}

function parsePublicApiUrl(raw: string | null): string | null {
  if (raw === null) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('PUBLIC_API_URL is not a URL');
  }
  if (url.protocol !== 'https:' || url.origin !== raw.replace(/\/$/, '')) {
    throw new ConfigError('PUBLIC_API_URL must be a bare https origin like https://api.didhub.io');
  }
  return url.origin;
}

/** Namespaces the rate-limit counters so several deployments (or test runs) can share one Redis. */
function redisKeyPrefix(raw: string | null): string {
  if (raw === null) return 'didhub:rl:';
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(raw)) {
    throw new ConfigError('RATE_LIMIT_REDIS_PREFIX must be 1-64 characters of letters, digits, ":", "_", "." or "-"');
  }
  return raw;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name);
  if (raw === null) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function cronExpression(env: Env, name: string, fallback: string): string {
  const raw = str(env, name) ?? fallback;
  if (!validateCronExpression(raw).valid) throw new ConfigError(`${name} is not a valid cron expression: "${raw}"`);
  return raw;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parseLogLevel(raw: string | null, nodeEnv: NodeEnv): string {
  if (raw === null) return nodeEnv === 'test' ? 'silent' : 'info';
  if (!LOG_LEVELS.includes(raw)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return raw;
}

/**
 * Where mail goes. Production never falls back to files silently: without SMTP_URL it refuses
 * to start unless MAIL_TRANSPORT=file asks for the file transport by name (warned at start-up;
 * the files are purged by the retention job either way).
 */
function parseMailTransport(env: Env, nodeEnv: NodeEnv, smtpUrl: string | null): MailTransport {
  const raw = str(env, 'MAIL_TRANSPORT');
  if (raw !== null && raw !== 'smtp' && raw !== 'file') throw new ConfigError(`MAIL_TRANSPORT must be smtp or file, got "${raw}"`);
  if (raw === 'file') return 'file';
  if (smtpUrl !== null) return 'smtp';
  if (raw === 'smtp') throw new ConfigError('MAIL_TRANSPORT=smtp requires SMTP_URL');
  if (nodeEnv === 'production') {
    throw new ConfigError('production requires SMTP_URL (or MAIL_TRANSPORT=file to write mail as .eml files that nothing delivers)');
  }
  return 'file';
}

function parseLogFormat(raw: string | null, nodeEnv: NodeEnv): 'json' | 'pretty' {
  if (raw === null) return nodeEnv === 'development' ? 'pretty' : 'json';
  if (raw !== 'json' && raw !== 'pretty') throw new ConfigError(`LOG_FORMAT must be json or pretty, got "${raw}"`);
  return raw;
}

/**
 * Reads and validates the environment once at boot. Production refuses to start without its
 * secrets; development generates missing ones into DATA_DIR.
 */
export function loadConfig(env: Env, options: LoadOptions = {}): AppConfig {
  const nodeEnv = parseNodeEnv(env);
  const dataDir = resolve(str(env, 'DATA_DIR') ?? './data');
  const tlsCertFile = str(env, 'TLS_CERT_FILE');
  const tlsKeyFile = str(env, 'TLS_KEY_FILE');
  const trustProxy = parseTrustProxy(str(env, 'TRUST_PROXY'));

  if ((tlsCertFile === null) !== (tlsKeyFile === null)) {
    throw new ConfigError('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }
  for (const [name, file] of [['TLS_CERT_FILE', tlsCertFile], ['TLS_KEY_FILE', tlsKeyFile]] as const) {
    if (file !== null && !existsSync(file)) throw new ConfigError(`${name} points to a missing file`);
  }

  let sessionSecret = str(env, 'SESSION_SECRET');
  let apiKeyPepper = str(env, 'API_KEY_PEPPER');
  let encryptionKeys = str(env, 'ENCRYPTION_KEYS');

  if (nodeEnv === 'production') {
    const missing = [
      ['SESSION_SECRET', sessionSecret],
      ['API_KEY_PEPPER', apiKeyPepper],
      ['ENCRYPTION_KEYS', encryptionKeys],
    ].filter(([, value]) => value === null).map(([name]) => name);
    if (tlsCertFile === null && trustProxy === null) missing.push('TLS_CERT_FILE/TLS_KEY_FILE (or TRUST_PROXY)');
    if (missing.length) {
      throw new ConfigError(`production requires ${missing.join(', ')}`);
    }
  } else if (sessionSecret === null || apiKeyPepper === null || encryptionKeys === null) {
    const dev = options.persistDevSecrets === false ? (readDevSecrets(dataDir) ?? generateDevSecrets()) : loadOrCreateDevSecrets(dataDir);
    sessionSecret ??= dev.sessionSecret;
    apiKeyPepper ??= dev.apiKeyPepper;
    encryptionKeys ??= dev.encryptionKeys;
  }

  const dashboardOrigins = parseOrigins(str(env, 'DASHBOARD_ORIGINS'));
  const sessionSecrets = sessionSecret!.split(',').map((s) => s.trim()).filter(Boolean);
  if (sessionSecrets.some((s) => s.length < 32)) {
    throw new ConfigError('SESSION_SECRET entries must be at least 32 characters');
  }
  if (apiKeyPepper!.length < 32) throw new ConfigError('API_KEY_PEPPER must be at least 32 characters');

  const adminApiToken = str(env, 'ADMIN_API_TOKEN');
  if (adminApiToken !== null && adminApiToken.length < 32) {
    throw new ConfigError('ADMIN_API_TOKEN must be at least 32 characters');
  }

  const oauthProviders = parseOAuthProviders(str(env, 'OAUTH_PROVIDERS'));
  const publicApiUrl = parsePublicApiUrl(str(env, 'PUBLIC_API_URL'));
  const bcryptCost = int(env, 'BCRYPT_COST', 12, 4, 15);
  if (nodeEnv === 'production') {
    // Without a fixed public URL the OAuth redirect URI would follow the request's Host header.
    if (oauthProviders.length && publicApiUrl === null) throw new ConfigError('production with OAUTH_PROVIDERS requires PUBLIC_API_URL');
    if (bcryptCost < 10) throw new ConfigError('BCRYPT_COST must be at least 10 in production');
    // A partner's endpoint must never reach the operator's own network from production.
    if (bool(env, 'WEBHOOK_ALLOW_PRIVATE', false)) {
      throw new ConfigError('WEBHOOK_ALLOW_PRIVATE=true is for development and tests; production never delivers to private, loopback or link-local addresses');
    }
  }
  const databaseUrl = checkUrl(str(env, 'DATABASE_URL'), 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const allowEmbeddedDatabase = bool(env, 'ALLOW_EMBEDDED_DATABASE', false);
  if (nodeEnv === 'production' && databaseUrl === null && !allowEmbeddedDatabase) {
    // PGlite is one process and one writer: a second replica or a crash-looping container corrupts nothing but cannot start.
    throw new ConfigError('production requires DATABASE_URL (or ALLOW_EMBEDDED_DATABASE=true for the single-process embedded database)');
  }
  const smtpUrl = checkUrl(str(env, 'SMTP_URL'), 'SMTP_URL', ['smtp:', 'smtps:']);

  return {
    nodeEnv,
    port: int(env, 'PORT', 3443, 0, 65535),
    host: str(env, 'HOST') ?? '0.0.0.0',
    dataDir,
    databaseUrl,
    allowEmbeddedDatabase,
    databaseConnectTimeoutSeconds: int(env, 'DATABASE_CONNECT_TIMEOUT_SECONDS', 60, 0, 3600),
    redisUrl: checkUrl(str(env, 'REDIS_URL'), 'REDIS_URL', ['redis:', 'rediss:']),
    tlsCertFile,
    tlsKeyFile,
    trustProxy,
    probeSources: parseTrustProxy(str(env, 'PROBE_SOURCES'), 'PROBE_SOURCES') ?? [],
    sessionSecrets,
    apiKeyPepper: apiKeyPepper!,
    encryptionKeys: parseEncryptionKeys(encryptionKeys!),
    sessionIdleTimeoutSeconds: int(env, 'SESSION_IDLE_TIMEOUT', 43200, 1, 31536000),
    sessionMaxAgeSeconds: int(env, 'SESSION_MAX_AGE', 2592000, 1, 31536000),
    rateLimit: {
      readPerMinute: int(env, 'RATE_LIMIT_READ_PER_MINUTE', 600, 1, 1000000),
      writePerMinute: int(env, 'RATE_LIMIT_WRITE_PER_MINUTE', 120, 1, 1000000),
      anonPerMinute: int(env, 'RATE_LIMIT_ANON_PER_MINUTE', 120, 1, 1000000),
      authPerMinute: int(env, 'RATE_LIMIT_AUTH_PER_MINUTE', 20, 1, 1000000),
      redisKeyPrefix: redisKeyPrefix(str(env, 'RATE_LIMIT_REDIS_PREFIX')),
    },
    adminApiToken,
    smtpUrl,
    mailTransport: parseMailTransport(env, nodeEnv, smtpUrl),
    mailDir: resolve(str(env, 'MAIL_DIR') ?? resolve(dataDir, 'mail')),
    mailFrom: str(env, 'MAIL_FROM') ?? 'DIDHub <no-reply@didhub.io>',
    dashboardOrigins,
    webAuthn: parseWebAuthn(str(env, 'WEBAUTHN_RP_ID'), str(env, 'WEBAUTHN_ORIGINS'), dashboardOrigins),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 65536, 1024, 104857600),
    documentMaxBytes: int(env, 'DOCUMENT_MAX_BYTES', 10485760, 1024, 104857600),
    bcryptCost,
    logLevel: parseLogLevel(str(env, 'LOG_LEVEL'), nodeEnv),
    logFormat: parseLogFormat(str(env, 'LOG_FORMAT'), nodeEnv),
    envFile: null,
    oauthProviders,
    publicApiUrl,
    shutdownGraceSeconds: int(env, 'SHUTDOWN_GRACE_SECONDS', 25, 0, 3600),
    http: {
      headersTimeoutMs: int(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
      requestTimeoutMs: int(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
      keepAliveTimeoutMs: int(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
      maxConnections: int(env, 'HTTP_MAX_CONNECTIONS', 512, 1, 1_000_000),
    },
    pools: {
      size: int(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
      acquireTimeoutMs: int(env, 'DATABASE_ACQUIRE_TIMEOUT_MS', 3_000, 50, 600_000),
      exportPoolSize: int(env, 'EXPORT_POOL_SIZE', 3, 1, 1000),
      exportsPerAccount: int(env, 'EXPORTS_PER_ACCOUNT', 2, 1, 1000),
      exportIdleTimeoutSeconds: int(env, 'EXPORT_IDLE_TIMEOUT_SECONDS', 30, 1, 3600),
    },
    mailOutbox: {
      smtpTimeoutMs: int(env, 'SMTP_TIMEOUT_MS', 10_000, 100, 600_000),
      pollMs: int(env, 'MAIL_OUTBOX_POLL_MS', 5_000, 10, 3_600_000),
      retryBaseSeconds: int(env, 'MAIL_RETRY_BASE_SECONDS', 30, 1, 86_400),
      maxAttempts: int(env, 'MAIL_MAX_ATTEMPTS', 12, 1, 100),
    },
    backupKey: parseBackupKey(str(env, 'BACKUP_KEY')),
    retention: {
      enabled: bool(env, 'RETENTION_ENABLED', true),
      cron: cronExpression(env, 'RETENTION_CRON', '0 3 * * *'),
      batchSize: int(env, 'RETENTION_BATCH_SIZE', 5000, 1, 100000),
      batchPauseMs: int(env, 'RETENTION_BATCH_PAUSE_MS', 0, 0, 60000),
    },
    idempotencyLockSeconds: int(env, 'IDEMPOTENCY_LOCK_SECONDS', 60, 1, 3600),
    metricsPort: str(env, 'METRICS_PORT') === null ? null : int(env, 'METRICS_PORT', 0, 0, 65535),
    docsEnabled: bool(env, 'DOCS_ENABLED', true),
    tracing: parseTracing(env),
    webhooks: {
      deliveryEnabled: bool(env, 'WEBHOOK_DELIVERY_ENABLED', true),
      allowPrivate: bool(env, 'WEBHOOK_ALLOW_PRIVATE', false),
      pollMs: int(env, 'WEBHOOK_POLL_MS', 1_000, 10, 3_600_000),
      connectTimeoutMs: int(env, 'WEBHOOK_CONNECT_TIMEOUT_MS', 5_000, 50, 60_000),
      responseTimeoutMs: int(env, 'WEBHOOK_RESPONSE_TIMEOUT_MS', 15_000, 50, 120_000),
      caFile: str(env, 'WEBHOOK_CA_FILE'),
      disableAfterHours: int(env, 'WEBHOOK_DISABLE_AFTER_HOURS', 120, 1, 8760),
    },
  };
}

/** OTLP/HTTP traces endpoint, as the OpenTelemetry variables name it; null keeps tracing off. */
export function parseTracing(env: Env): TracingConfig | null {
  const traces = checkUrl(str(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'), 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ['http:', 'https:']);
  const base = checkUrl(str(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'), 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']);
  const tracesUrl = traces ?? (base === null ? null : `${base.replace(/\/+$/, '')}/v1/traces`);
  if (tracesUrl === null) return null;
  return { tracesUrl, serviceName: str(env, 'OTEL_SERVICE_NAME') ?? 'didhub-api' };
}

/** BACKUP_KEY: base64 of 32 random bytes, and never one of the ENCRYPTION_KEYS (checked by the backup command). */
function parseBackupKey(raw: string | null): Buffer | null {
  if (raw === null) return null;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/=_-]+$/.test(raw)) throw new ConfigError('BACKUP_KEY must be base64 of 32 bytes');
  return key;
}

/**
 * Variables from `.env` in the working directory, when there is one (see .env.example). The
 * process environment wins over the file, so a deployment's variables are never replaced.
 */
export function readEnvFile(path: string, env: Env): { env: Env; loaded: boolean } {
  if (!existsSync(path)) return { env, loaded: false };
  let parsed: Env;
  try {
    parsed = parseEnv(readFileSync(path, 'utf8'));
  } catch {
    throw new ConfigError(`${path} could not be read as a .env file`);
  }
  return { env: { ...parsed, ...env }, loaded: true };
}

/** Tracing settings alone, read before anything else loads (see register-tracing.ts); null when off or invalid (the full load then names the error). */
export function loadTracingConfigFromProcess(): TracingConfig | null {
  try {
    return parseTracing(readEnvFile(resolve('.env'), process.env).env);
  } catch {
    return null;
  }
}

/** The process environment (and `.env`); the only place that reads it. */
export function loadConfigFromProcess(options: LoadOptions = {}): AppConfig {
  const path = resolve('.env');
  const { env, loaded } = readEnvFile(path, process.env);
  return { ...loadConfig(env, options), envFile: loaded ? path : null };
}

/**
 * Variables a client program (pg_dump, pg_restore) may inherit: how to find and run programs,
 * and libpq's own settings (TLS and the like). Nothing else — above all no DATABASE_URL,
 * ENCRYPTION_KEYS or BACKUP_KEY: a child has no use for the app's secrets.
 */
const CHILD_ENV = /^(PATH|HOME|USER|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR|PG[A-Z]+)$/;

/** The environment a client program starts from, before the caller adds what it needs. */
export function childProcessEnv(): Env {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => CHILD_ENV.test(name) && name !== 'PGPASSWORD'));
}
