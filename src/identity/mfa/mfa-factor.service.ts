import { Injectable } from '@nestjs/common';
import { EncryptionService } from '../../platform/crypto/encryption.service';
import { KeyedHash } from '../../platform/crypto/keyed-hash';
import { ENCRYPTED_FIELDS, encryptionContext } from '../../platform/crypto/encrypted-fields';
import { randomBase62 } from '../../platform/ids/ids';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes';
import { looksLikeTotp, matchingTotpStep } from './totp';
import { type MfaUserRow, MfaRepository } from './mfa.repository';

export type AcceptedFactor = 'totp' | 'recovery_code';

/**
 * Checks a second factor: a TOTP code (each time step accepted once) or a recovery code (burnt
 * on use). Every "yes" here has already been recorded, so the same code never works twice.
 * Guesses are counted by the callers (the sign-in challenge, or MfaCodeAttempts).
 */
@Injectable()
export class MfaFactorService {
  constructor(
    private readonly repo: MfaRepository,
    private readonly encryption: EncryptionService,
    private readonly keyedHash: KeyedHash,
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
    const burnt = await this.repo.burnRecoveryCode(user.id, hashRecoveryCode(code, this.keyedHash), new Date());
    return burnt ? 'recovery_code' : null;
  }

  /** TOTP off and recovery codes gone; false when it was not on. */
  turnOff(userId: string): Promise<boolean> {
    return this.repo.disable(userId);
  }

  newRecoveryCodes(): { codes: string[]; rows: { id: string; codeHmac: string }[] } {
    const codes = newRecoveryCodes();
    return { codes, rows: codes.map((c) => ({ id: `mfarc_${randomBase62(22)}`, codeHmac: hashRecoveryCode(c, this.keyedHash) })) };
  }
}
