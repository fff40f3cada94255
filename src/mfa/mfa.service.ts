import { Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import { AuthErrors } from '../auth/auth-errors';
import type { StepUpProof } from '../auth/step-up.service';
import { EncryptionService } from '../common/crypto/encryption.service';
import { ENCRYPTED_FIELDS, encryptionContext } from '../common/crypto/encrypted-fields';
import { randomBase62 } from '../common/ids/ids';
import { MailService } from '../mail/mail.service';
import { MfaErrors } from './mfa-errors';
import { MfaFactorService } from './mfa-factor.service';
import { type MfaUserRow, MfaRepository } from './mfa.repository';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes';
import { matchingTotpStep, newTotpSecret } from './totp';

export interface MfaSetup {
  userId: string;
  secret: string;
  otpauthUrl: string;
  qrCode: string;
}

/** Enabling, disabling and re-issuing recovery codes for the signed-in user. */
@Injectable()
export class MfaService {
  constructor(
    private readonly repo: MfaRepository,
    private readonly factors: MfaFactorService,
    private readonly encryption: EncryptionService,
    private readonly mail: MailService,
  ) {}

  async setupStart(userId: string): Promise<MfaSetup> {
    const user = await this.requireUser(userId);
    if (user.mfaEnabled) throw MfaErrors.alreadyEnabled();
    const secret = newTotpSecret(user.email);
    const pendingEnc = this.encryption.encryptString(
      secret.base32,
      encryptionContext(ENCRYPTED_FIELDS.userMfaPendingSecret, userId),
    );
    if (!(await this.repo.setPendingSecret(userId, pendingEnc))) throw MfaErrors.alreadyEnabled();
    const svg = await QRCode.toString(secret.otpauthUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return {
      userId,
      secret: secret.base32,
      otpauthUrl: secret.otpauthUrl,
      qrCode: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`,
    };
  }

  /** Returns the recovery codes in plain text this once; only their hashes are kept. */
  async setupConfirm(userId: string, code: string): Promise<string[]> {
    const user = await this.requireUser(userId);
    if (user.mfaEnabled) throw MfaErrors.alreadyEnabled();
    if (!user.mfaPendingSecretEnc) throw MfaErrors.setupNotStarted();
    const secret = this.encryption.decryptString(
      user.mfaPendingSecretEnc,
      encryptionContext(ENCRYPTED_FIELDS.userMfaPendingSecret, userId),
    );
    const step = matchingTotpStep(secret, code);
    if (step === null) throw MfaErrors.invalidCode();
    const codes = newRecoveryCodes();
    const enabled = await this.repo.enable({
      userId,
      pendingSecretEnc: user.mfaPendingSecretEnc,
      secretEnc: this.encryption.encryptString(secret, encryptionContext(ENCRYPTED_FIELDS.userMfaSecret, userId)),
      step,
      recoveryCodes: codes.map((c) => ({ id: newRecoveryCodeId(), codeHash: hashRecoveryCode(c) })),
    });
    // A parallel confirm or a new setup-start changed the row under us.
    if (!enabled) throw MfaErrors.setupNotStarted();
    await this.notify(user.email, 'Two-factor authentication was turned on', [
      'Two-factor authentication (TOTP) is now on for your DIDHub sign-in.',
      'Every sign-in will ask for a code from your authenticator app or a recovery code.',
      'If this was not you, reset your password and contact support@didhub.io at once.',
    ]);
    return codes;
  }

  async disable(userId: string, proof: StepUpProof): Promise<void> {
    const user = await this.requireUser(userId);
    if (!user.mfaEnabled) throw MfaErrors.notEnabled();
    await this.checkProof(user, proof);
    if (!(await this.repo.disable(userId))) throw MfaErrors.notEnabled();
    await this.notify(user.email, 'Two-factor authentication was turned off', [
      'Two-factor authentication is now off for your DIDHub sign-in.',
      'If this was not you, reset your password, turn it back on and contact support@didhub.io at once.',
    ]);
  }

  async regenerateRecoveryCodes(userId: string, proof: StepUpProof): Promise<string[]> {
    const user = await this.requireUser(userId);
    if (!user.mfaEnabled) throw MfaErrors.notEnabled();
    await this.checkProof(user, proof);
    const codes = newRecoveryCodes();
    await this.repo.replaceRecoveryCodes(
      userId,
      codes.map((c) => ({ id: newRecoveryCodeId(), codeHash: hashRecoveryCode(c) })),
    );
    return codes;
  }

  private async checkProof(user: MfaUserRow, proof: StepUpProof): Promise<void> {
    if (proof.code !== undefined) {
      if (!(await this.factors.acceptCode(user, proof.code))) throw MfaErrors.invalidCode();
      return;
    }
    if (proof.password !== undefined) {
      if (!(await this.factors.acceptPassword(user, proof.password))) throw AuthErrors.invalidPassword();
      return;
    }
    throw AuthErrors.proofRequired();
  }

  private async requireUser(userId: string): Promise<MfaUserRow> {
    const user = await this.repo.findUser(userId);
    // The session's user exists (the guard checked); a vanished row is a race with deletion.
    if (!user) throw AuthErrors.reauthenticationRequired();
    return user;
  }

  private notify(to: string, subject: string, lines: string[]): Promise<void> {
    return this.mail.sendBestEffort({ to, subject, text: lines.join('\n\n') });
  }
}

function newRecoveryCodeId(): string {
  return `mfarc_${randomBase62(22)}`;
}
