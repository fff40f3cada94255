import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevSecrets {
  sessionSecret: string;
  apiKeyPepper: string;
  encryptionKeys: string;
}

export const DEV_SECRETS_FILE = 'dev-secrets.json';

/**
 * Development only: secrets generated once and kept in DATA_DIR (mode 0600) so sessions,
 * API keys and encrypted data survive a restart.
 */
export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const existing = readDevSecrets(dataDir);
  if (existing) return existing;
  const file = join(dataDir, DEV_SECRETS_FILE);
  mkdirSync(dataDir, { recursive: true });
  const secrets = generateDevSecrets();
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secrets;
}

/** The development secrets DATA_DIR holds, or null; never writes. */
export function readDevSecrets(dataDir: string): DevSecrets | null {
  const file = join(dataDir, DEV_SECRETS_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DevSecrets) : null;
}

export function generateDevSecrets(): DevSecrets {
  return {
    sessionSecret: randomBytes(32).toString('base64url'),
    apiKeyPepper: randomBytes(32).toString('base64url'),
    encryptionKeys: `dev1:${randomBytes(32).toString('base64')}`,
  };
}
