import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig, WebAuthnConfig } from '../../platform/config/config.types';
import { newId } from '../../platform/ids/ids';
import { PasskeyErrors } from './passkey-errors';
import { type ChallengePurpose, type PasskeyRow, PasskeysRepository } from './passkeys.repository';

/** How long a ceremony's challenge stays valid (the browser's own timeout is the same). */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

export function hashChallenge(challenge: string): string {
  return createHash('sha256').update(challenge).digest('hex');
}

/** The challenge the browser signed, read from clientDataJSON (checked again by the verifier). */
function signedChallenge(clientDataJSON: string): string | null {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' && data.challenge.length <= 512 ? data.challenge : null;
  } catch {
    return null;
  }
}

export interface VerifiedAssertion {
  passkey: PasskeyRow;
  userVerified: boolean;
}

export interface NewCredential {
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
}

/**
 * The WebAuthn ceremonies, on @simplewebauthn/server: options with a fresh challenge (stored as
 * a sha256, single use, 5 minutes), and verification of what the browser sends back against the
 * configured relying party id and origins. Every refusal of an assertion is the same 401.
 */
@Injectable()
export class PasskeyCeremonies {
  private readonly rp: WebAuthnConfig;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repo: PasskeysRepository,
  ) {
    this.rp = config.webAuthn;
  }

  async registrationOptions(
    user: { id: string; email: string; name: string },
    existing: PasskeyRow[],
  ): Promise<{ options: PublicKeyCredentialCreationOptionsJSON; expiresAt: Date }> {
    const options = await generateRegistrationOptions({
      rpName: this.rp.rpName,
      rpID: this.rp.rpId,
      userName: user.email,
      userDisplayName: user.name,
      // The user handle is the user id: sign-in by a discoverable passkey names its user with it.
      userID: new Uint8Array(Buffer.from(user.id, 'utf8')),
      timeout: CHALLENGE_TTL_MS,
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    const expiresAt = await this.store(options.challenge, 'registration', user.id);
    return { options, expiresAt };
  }

  async verifyRegistration(userId: string, credential: RegistrationResponseJSON): Promise<NewCredential> {
    const challenge = signedChallenge(credential.response.clientDataJSON);
    if (!challenge) throw PasskeyErrors.registrationRefused('clientDataJSON carries no challenge.');
    const issued = await this.repo.consumeChallenge(hashChallenge(challenge), 'registration', new Date());
    if (!issued || issued.userId !== userId) {
      throw PasskeyErrors.registrationRefused('the challenge is unknown, expired or already used: request new options.');
    }
    let result;
    try {
      result = await verifyRegistrationResponse({
        response: credential,
        expectedChallenge: challenge,
        expectedOrigin: this.rp.origins,
        expectedRPID: this.rp.rpId,
        requireUserVerification: true,
      });
    } catch (error) {
      // The library's message says what did not match (origin, RP id, flags), nothing secret.
      throw PasskeyErrors.registrationRefused(error instanceof Error ? error.message : 'verification failed.');
    }
    if (!result.verified) throw PasskeyErrors.registrationRefused('verification failed.');
    const info = result.registrationInfo;
    return {
      credentialId: info.credential.id,
      publicKey: info.credential.publicKey,
      counter: info.credential.counter,
      transports: info.credential.transports ?? credential.response.transports ?? [],
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
    };
  }

  /**
   * Options for an assertion. Sign-in names no user (discoverable passkeys: the browser offers
   * what it holds for this site); a second factor or step-up lists the user's passkeys.
   */
  async authenticationOptions(
    purpose: Exclude<ChallengePurpose, 'registration'>,
    userId: string | null,
    allow: PasskeyRow[] = [],
  ): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; expiresAt: Date }> {
    const options = await generateAuthenticationOptions({
      rpID: this.rp.rpId,
      timeout: CHALLENGE_TTL_MS,
      userVerification: purpose === 'sign_in' ? 'required' : 'preferred',
      allowCredentials: allow.map((p) => ({ id: p.credentialId, transports: p.transports })),
    });
    const expiresAt = await this.store(options.challenge, purpose, userId);
    return { options, expiresAt };
  }

  /**
   * Verifies an assertion and records the use. The challenge is spent first (single use, for
   * this purpose and user), then the signature, origin, RP id and counter are checked: a
   * counter of 0 is accepted (synced passkeys never count), a non-zero one must go up.
   * `userId` null: primary sign-in, where the passkey names its user.
   */
  async verifyAssertion(
    purpose: Exclude<ChallengePurpose, 'registration'>,
    userId: string | null,
    credential: AuthenticationResponseJSON,
    param = 'credential',
  ): Promise<VerifiedAssertion> {
    const now = new Date();
    const challenge = signedChallenge(credential.response.clientDataJSON);
    if (!challenge) throw PasskeyErrors.assertionRefused(param);
    const issued = await this.repo.consumeChallenge(hashChallenge(challenge), purpose, now);
    if (!issued || (userId !== null && issued.userId !== userId)) throw PasskeyErrors.assertionRefused(param);
    const passkey = await this.repo.findByCredentialId(credential.id);
    if (!passkey || (userId !== null && passkey.userId !== userId)) throw PasskeyErrors.assertionRefused(param);
    // A discoverable passkey also says whose it is; it must agree with the stored owner.
    const handle = credential.response.userHandle;
    if (handle && Buffer.from(handle, 'base64url').toString('utf8') !== passkey.userId) throw PasskeyErrors.assertionRefused(param);
    let result;
    try {
      result = await verifyAuthenticationResponse({
        response: credential,
        expectedChallenge: challenge,
        expectedOrigin: this.rp.origins,
        expectedRPID: this.rp.rpId,
        credential: { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: Number(passkey.counter), transports: passkey.transports },
        // Signing in with a passkey alone counts as both factors: the authenticator must have verified the user.
        requireUserVerification: purpose === 'sign_in',
      });
    } catch {
      throw PasskeyErrors.assertionRefused(param);
    }
    if (!result.verified) throw PasskeyErrors.assertionRefused(param);
    const info = result.authenticationInfo;
    if (!(await this.repo.recordUse(passkey.id, info.newCounter, info.credentialBackedUp, now))) throw PasskeyErrors.assertionRefused(param);
    return { passkey, userVerified: info.userVerified };
  }

  private async store(challenge: string, purpose: ChallengePurpose, userId: string | null): Promise<Date> {
    const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
    await this.repo.createChallenge({ id: newId('webauthnChallenge'), challengeHash: hashChallenge(challenge), purpose, userId, expiresAt });
    return expiresAt;
  }
}
