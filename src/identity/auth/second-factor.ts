import type { PasskeyAssertionRequest } from './dto/passkey-credential.request';

/** The first factor a sign-in passed before the second one is asked for. */
export type FirstFactor = 'password' | 'oauth' | 'verify_email' | 'password_reset';

export interface SecondFactorChallengeInput {
  userId: string;
  accountId: string | null;
  method: FirstFactor;
}

/**
 * What sign-in and step-up need from the second factor, declared here so `auth/` never imports
 * `mfa/`: MfaModule implements it (as the session and key schemes implement `Authenticator`).
 */
export abstract class SecondFactor {
  /** A short-lived, single-use `mfa_token` for `POST /v1/auth/mfa/verify`. */
  abstract issueChallenge(input: SecondFactorChallengeInput): Promise<string>;

  /** Whether the user has a confirmed second factor (TOTP or a passkey). */
  abstract isEnabled(userId: string): Promise<boolean>;

  /**
   * Accepts a current TOTP code or an unused recovery code (burning it); false for anything else.
   * Wrong codes count toward the user's second-factor lock-out; while it holds this throws a 429.
   */
  abstract acceptCode(userId: string, code: string): Promise<boolean>;

  /**
   * Verifies a passkey assertion of the user for options from the step-up ceremony; throws 401
   * passkey_invalid (naming `param`) when it is not one.
   */
  abstract acceptPasskey(userId: string, assertion: PasskeyAssertionRequest, param: string): Promise<void>;
}
