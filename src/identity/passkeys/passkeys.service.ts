import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { SessionPrincipal } from '../../platform/request/principal';
import { CommonErrors } from '../../platform/errors/common-errors';
import { isUniqueViolation } from '../../platform/errors/prisma-errors';
import { isIdOf, newId } from '../../platform/ids/ids';
import { MailService } from '../../platform/mail/mail.service';
import type { SignedInResponse } from '../auth/auth.responses';
import type { PasskeyAssertionRequest, PasskeyAttestationRequest } from '../auth/dto/passkey-credential.request';
import { SignInService } from '../auth/sign-in.service';
import { SessionsService } from '../sessions/sessions.service';
import { PasskeyCeremonies } from './passkey-ceremonies.service';
import { PasskeyErrors } from './passkey-errors';
import { PasskeyFactors } from './passkey-factors.service';
import { type PasskeyRow, PasskeysRepository } from './passkeys.repository';

/** Enough for every device a person owns; the registration options list them all. */
export const MAX_PASSKEYS_PER_USER = 20;

/**
 * A user's passkeys: registration (after a recent sign-in), listing, renaming, removal (after a
 * step-up), and passwordless sign-in. Mail tells the user whenever one is added or removed.
 */
@Injectable()
export class PasskeysService {
  constructor(
    private readonly repo: PasskeysRepository,
    private readonly ceremonies: PasskeyCeremonies,
    private readonly factors: PasskeyFactors,
    private readonly sessions: SessionsService,
    private readonly signIn: SignInService,
    private readonly mail: MailService,
  ) {}

  async registrationOptions(principal: SessionPrincipal) {
    const user = await this.requireUser(principal.userId);
    const existing = await this.repo.listForUser(user.id);
    if (existing.length >= MAX_PASSKEYS_PER_USER) throw PasskeyErrors.tooMany(MAX_PASSKEYS_PER_USER);
    return this.ceremonies.registrationOptions(user, existing);
  }

  /**
   * Stores the new passkey's public key. The session that registered it has just used it, so it
   * counts as a `passkey` sign-in from now (as confirming TOTP makes a session `mfa`).
   */
  async register(principal: SessionPrincipal, credential: PasskeyAttestationRequest, name: string | undefined): Promise<PasskeyRow> {
    const user = await this.requireUser(principal.userId);
    const verified = await this.ceremonies.verifyRegistration(user.id, credential);
    if ((await this.repo.countForUser(user.id)) >= MAX_PASSKEYS_PER_USER) throw PasskeyErrors.tooMany(MAX_PASSKEYS_PER_USER);
    let row: PasskeyRow;
    try {
      row = await this.repo.create({
        id: newId('passkey'),
        userId: user.id,
        name: name ?? `Passkey ${new Date().toISOString().slice(0, 10)}`,
        ...verified,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw PasskeyErrors.alreadyRegistered();
      throw error;
    }
    await this.sessions.markAuthenticated(principal.sessionId, new Date(), 'passkey');
    await this.notify(user.email, 'A passkey was added to your DIDHub sign-in', [
      `A passkey named "${row.name}" can now be used to sign in to DIDHub as you.`,
      'If this was not you, sign in, remove it under Settings → Security, change your password and contact support@didhub.io.',
    ]);
    return row;
  }

  list(principal: SessionPrincipal): Promise<PasskeyRow[]> {
    return this.repo.listForUser(principal.userId);
  }

  async rename(principal: SessionPrincipal, id: string, name: string): Promise<PasskeyRow> {
    this.checkId(id);
    const row = await this.repo.rename(principal.userId, id, name);
    if (!row) throw CommonErrors.notFound('passkey');
    return row;
  }

  async remove(principal: SessionPrincipal, id: string): Promise<void> {
    this.checkId(id);
    const row = await this.repo.remove(principal.userId, id);
    if (!row) throw CommonErrors.notFound('passkey');
    const user = await this.requireUser(principal.userId);
    await this.notify(user.email, 'A passkey was removed from your DIDHub sign-in', [
      `The passkey named "${row.name}" no longer signs you in to DIDHub.`,
      'If this was not you, change your password and contact support@didhub.io at once.',
    ]);
  }

  signInOptions() {
    return this.ceremonies.authenticationOptions('sign_in', null);
  }

  stepUpOptions(principal: SessionPrincipal) {
    return this.factors.optionsFor('step_up', principal.userId);
  }

  /** Passwordless sign-in: a user-verifying passkey is both factors at once. */
  async login(credential: PasskeyAssertionRequest, req: Request, res: Response): Promise<SignedInResponse> {
    let userId: string;
    try {
      ({
        passkey: { userId },
      } = await this.ceremonies.verifyAssertion('sign_in', null, credential));
    } catch (error) {
      await this.signIn.recordFailure(null, 'passkey', 'passkey_invalid', req);
      throw error;
    }
    return this.signIn.signInVerifiedUser(userId, 'passkey', req, res);
  }

  private async requireUser(userId: string) {
    const user = await this.repo.findUser(userId);
    if (!user) throw CommonErrors.unauthenticated();
    return user;
  }

  private checkId(id: string): void {
    if (!isIdOf('passkey', id)) throw PasskeyErrors.invalidId();
  }

  private notify(to: string, subject: string, lines: string[]): Promise<void> {
    return this.mail.sendBestEffort({ to, subject, text: lines.join('\n\n') });
  }
}
