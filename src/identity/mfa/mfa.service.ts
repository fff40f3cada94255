import { Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import { AuthErrors } from '../auth/auth-errors';
import type { SessionPrincipal } from '../../platform/request/principal';
import { StepUpService, type StepUpProof } from '../auth/step-up.service';
import { EncryptionService } from '../../platform/crypto/encryption.service';
import { ENCRYPTED_FIELDS, encryptionContext } from '../../platform/crypto/encrypted-fields';
import { MailService } from '../../platform/mail/mail.service';
import { MfaErrors } from './mfa-errors';
import { MfaFactorService } from './mfa-factor.service';
import { type MfaUserRow, MfaRepository } from './mfa.repository';
import { matchingTotpStep, newTotpSecret } from './totp';

export interface MfaSetup {
  userId: string;
  secret: string;
  otpauthUrl: string;
  qrCode: string;
}

/**
 * Enabling, disabling and re-issuing recovery codes for the signed-in user. Setup needs a recent
 * sign-in (the routes say so); disabling and new recovery codes need a current code, checked by
 * the one proof service (StepUpService.confirm).
 */
@Injectable()
export class MfaService {
  constructor(
    private readonly repo: MfaRepository,
    private readonly factors: MfaFactorService,
    private readonly encryption: EncryptionService,
    private readonly mail: MailService,
    private readonly stepUp: StepUpService,
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

  /**
   * Returns the recovery codes in plain text this once; only their keyed hashes are kept. The
   * session that confirmed has just shown the new factor, so it becomes an `mfa` session.
   */
  async setupConfirm(principal: SessionPrincipal, code: string): Promise<string[]> {
    const userId = principal.userId;
    const user = await this.requireUser(userId);
    if (user.mfaEnabled) throw MfaErrors.alreadyEnabled();
    if (!user.mfaPendingSecretEnc) throw MfaErrors.setupNotStarted();
    const secret = this.encryption.decryptString(
      user.mfaPendingSecretEnc,
      encryptionContext(ENCRYPTED_FIELDS.userMfaPendingSecret, userId),
    );
    const step = matchingTotpStep(secret, code);
    if (step === null) throw MfaErrors.invalidCode();
    const { codes, rows } = this.factors.newRecoveryCodes();
    const enabled = await this.repo.enable({
      userId,
      sessionId: principal.sessionId,
      pendingSecretEnc: user.mfaPendingSecretEnc,
      secretEnc: this.encryption.encryptString(secret, encryptionContext(ENCRYPTED_FIELDS.userMfaSecret, userId)),
      step,
      recoveryCodes: rows,
      now: new Date(),
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

  async disable(principal: SessionPrincipal, proof: StepUpProof): Promise<void> {
    const user = await this.requireUser(principal.userId);
    if (!user.mfaEnabled) throw MfaErrors.notEnabled();
    await this.stepUp.confirm(principal, proof);
    if (!(await this.repo.disable(user.id))) throw MfaErrors.notEnabled();
    await this.notify(user.email, 'Two-factor authentication was turned off', [
      'Two-factor authentication is now off for your DIDHub sign-in.',
      'If this was not you, reset your password, turn it back on and contact support@didhub.io at once.',
    ]);
  }

  async regenerateRecoveryCodes(principal: SessionPrincipal, proof: StepUpProof): Promise<string[]> {
    const user = await this.requireUser(principal.userId);
    if (!user.mfaEnabled) throw MfaErrors.notEnabled();
    await this.stepUp.confirm(principal, proof);
    const { codes, rows } = this.factors.newRecoveryCodes();
    await this.repo.replaceRecoveryCodes(user.id, rows);
    return codes;
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
