import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';
import { DEV_SECRETS_FILE } from './dev-secrets';

describe('development secrets', () => {
  it('are generated once into DATA_DIR with mode 0600 and survive a restart', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'didhub-secrets-'));
    try {
      const first = loadConfig({ DATA_DIR: dataDir });
      expect(statSync(join(dataDir, DEV_SECRETS_FILE)).mode & 0o777).toBe(0o600);
      const second = loadConfig({ DATA_DIR: dataDir });
      expect(second.sessionSecrets).toEqual(first.sessionSecrets);
      expect(second.apiKeyPepper).toBe(first.apiKeyPepper);
      expect(second.encryptionKeys[0].key.equals(first.encryptionKeys[0].key)).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
