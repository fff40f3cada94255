import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';

const BCRYPT_MAX_BYTES = 72;

/**
 * bcrypt ignores everything after 72 bytes, so a longer password is first reduced to its
 * sha256 (base64, 44 bytes): every character still counts. Shorter ones go in unchanged, so
 * hashes made by plain bcrypt keep verifying.
 */
function bcryptInput(password: string): string {
  if (Buffer.byteLength(password, 'utf8') <= BCRYPT_MAX_BYTES) return password;
  return createHash('sha256').update(password, 'utf8').digest('base64');
}

@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash = '';

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** A hash of a random secret with the real cost: unknown emails cost as much time as wrong passwords. */
  async onModuleInit(): Promise<void> {
    this.dummyHash = await bcrypt.hash(randomBytes(16).toString('hex'), this.config.bcryptCost);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(bcryptInput(password), this.config.bcryptCost);
  }

  verify(password: string, hash: string | null): Promise<boolean> {
    // A user without a password (OAuth only) still pays for one comparison.
    return bcrypt.compare(bcryptInput(password), hash ?? this.dummyHash).then((ok) => ok && hash !== null);
  }

  /** Burns the time of one verification and always fails. */
  async verifyNobody(password: string): Promise<false> {
    await bcrypt.compare(bcryptInput(password), this.dummyHash);
    return false;
  }
}
