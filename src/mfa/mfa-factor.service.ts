import { Injectable } from '@nestjs/common';
import { PasswordAttempts } from '../auth/password-attempts.service';
import { EncryptionService } from '../common/crypto/encryption.service';
import { ENCRYPTED_FIELDS, encryptionContext } from '../common/crypto/encrypted-fields';
import { hashRecoveryCode } from './recovery-codes';
import { looksLikeTotp, matchingTotpStep } from './totp';
import { type MfaUserRow, MfaRepository } from './mfa.repository';

export type AcceptedFactor = 'totp' | 'recovery_code';

/**
 * Checks what a user presents as proof: a TOTP code (each time step accepted once), a
 * recovery code (burnt on use) or the password. Every "yes" here has already been recorded,
 * so the same proof never works twice.
 */
@Injectable()
export class MfaFactorService {
  constructor(
    private readonly repo: MfaRepository,
    private readonly encryption: EncryptionService,
    private readonly passwords: PasswordAttempts,
  ) {}

  findUser(userId: string): Promise<MfaUserRow | null> {
    return this.repo.findUser(userId);
  }

  secretOf(user: MfaUserRow): string | null {
    if (!user.mfaSecretEnc) return null;
    return this.encryption.decryptString(user.mfaSecretEnc, encryptionContext(ENCRYPTED_FIELDS.userMfaSecret, user.id));
  }

  async acceptTotp(user: MfaUserRow, code: string): Promise<boolean> {
    const secret = user.mfaEnabled ? this.secretOf(user) : null;
    if (!secret) return false;
    const step = matchingTotpStep(secret, code);
    return step !== null && (await this.repo.acceptStep(user.id, step));
  }

  /** A 6-digit code is a TOTP code; anything else is tried as a recovery code. */
  async acceptCode(user: MfaUserRow, code: string): Promise<AcceptedFactor | null> {
    if (!user.mfaEnabled) return null;
    if (looksLikeTotp(code)) return (await this.acceptTotp(user, code)) ? 'totp' : null;
    const burnt = await this.repo.burnRecoveryCode(user.id, hashRecoveryCode(code), new Date());
    return burnt ? 'recovery_code' : null;
  }

  acceptPassword(user: MfaUserRow, password: string): Promise<boolean> {
    return this.passwords.verify(user.id, password, user.passwordHash);
  }
}
