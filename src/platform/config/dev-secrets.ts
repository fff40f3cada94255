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
  const file = join(dataDir, DEV_SECRETS_FILE);
  if (existsSync(file)) {
    return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: DevSecrets = {
    sessionSecret: randomBytes(32).toString('base64url'),
    apiKeyPepper: randomBytes(32).toString('base64url'),
    encryptionKeys: `dev1:${randomBytes(32).toString('base64')}`,
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secrets;
}
