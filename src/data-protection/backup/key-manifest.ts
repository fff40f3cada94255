import type { AppConfig } from '../../platform/config/config.types';
import { keyFingerprint } from '../../platform/crypto/key-fingerprint';

/** What an archive records about the keys its data needs: ids and one-way fingerprints only. */
export interface KeyManifest {
  encryption_keys: { kid: string; fingerprint: string }[];
  /** API key hashes are HMACs under the pepper: another pepper turns every key into a 401. */
  api_key_pepper?: string;
}

export type KeyConfig = Pick<AppConfig, 'encryptionKeys'> & Partial<Pick<AppConfig, 'apiKeyPepper'>>;

export function keyManifestOf(config: KeyConfig): KeyManifest {
  return {
    encryption_keys: config.encryptionKeys.map(({ kid, key }) => ({ kid, fingerprint: keyFingerprint(key) })),
    ...(config.apiKeyPepper ? { api_key_pepper: keyFingerprint(config.apiKeyPepper) } : {}),
  };
}

/** The keys the archive needs that `config` lacks, each named for the operator (never its value). */
export function missingKeys(needed: Partial<KeyManifest>, config: KeyConfig): string[] {
  const have = keyManifestOf(config);
  const missing: string[] = [];
  for (const key of needed.encryption_keys ?? []) {
    if (!have.encryption_keys.some((k) => k.kid === key.kid && k.fingerprint === key.fingerprint)) {
      missing.push(`ENCRYPTION_KEYS key "${key.kid}" (fingerprint ${key.fingerprint})`);
    }
  }
  if (needed.api_key_pepper && have.api_key_pepper && needed.api_key_pepper !== have.api_key_pepper) {
    missing.push(`API_KEY_PEPPER (fingerprint ${needed.api_key_pepper})`);
  }
  return missing;
}

export class MissingKeysError extends Error {
  constructor(missing: string[]) {
    super(
      `this archive's data needs ${missing.join(', ')}, which the target does not have; nothing was restored. ` +
        'Set ENCRYPTION_KEYS / API_KEY_PEPPER to the source deployment\'s values (development: copy dev-secrets.json from the source DATA_DIR into the target DATA_DIR)',
    );
    this.name = 'MissingKeysError';
  }
}
