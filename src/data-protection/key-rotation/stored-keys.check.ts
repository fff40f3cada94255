import { Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { DecryptionError } from '../../platform/crypto/decryption-error';
import { ALL_ENCRYPTED_FIELDS, encryptionContext } from '../../platform/crypto/encrypted-fields';
import { EncryptionService } from '../../platform/crypto/encryption.service';
import { APP_LOGGER } from '../../platform/logging/logger';
import { KeyRotationRepository } from './key-rotation.repository';

/**
 * At start-up, before serving: one stored value of each encrypted field is opened with the
 * configured ENCRYPTION_KEYS. Keys that differ from those that wrote the data (a restore into
 * a deployment with other keys, a lost dev-secrets.json) are named in one error line here,
 * rather than discovered as 500s on the first request that reads such a field.
 */
@Injectable()
export class StoredKeysCheck implements OnApplicationBootstrap {
  constructor(
    private readonly repository: KeyRotationRepository,
    private readonly encryption: EncryptionService,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const unreadable: { field: string; kid: string | undefined; reason: string }[] = [];
    for (const { field, id, value } of await this.repository.sampleTextValues(ALL_ENCRYPTED_FIELDS)) {
      try {
        this.encryption.decryptString(value, encryptionContext(field, id));
      } catch (error) {
        if (!(error instanceof DecryptionError)) throw error;
        unreadable.push({ field: `${field.table}.${field.field}`, kid: error.kid, reason: error.reason });
      }
    }
    if (!unreadable.length) return;
    const kids = [...new Set(unreadable.map((u) => u.kid ?? '?'))].map((kid) => `"${kid}"`).join(', ');
    this.logger.error(
      { unreadable },
      `ENCRYPTION_KEYS cannot open stored data encrypted under key ${kids}: these keys are not the ones that wrote it (restored from another deployment? a lost dev-secrets.json?); reads of those fields will answer 500 encryption_key_mismatch`,
    );
  }
}

@Module({ providers: [KeyRotationRepository, StoredKeysCheck] })
export class StoredKeysCheckModule {}
