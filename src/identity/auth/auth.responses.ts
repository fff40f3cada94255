import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { policyStanding } from '../sessions/mfa-policy-standing';
import type { SignedInView } from './auth.repository';

export class AuthUserResponse {
  @ApiProperty({ example: 'usr_4fQd0c2v9Hq1xZ8mB7nK3w' }) id: string;
  @ApiProperty({ enum: ['user'] }) object: 'user';
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty() email_verified: boolean;
  @ApiProperty() mfa_enabled: boolean;
}

export class AuthAccountResponse {
  @ApiProperty({ example: 'acct_4fQd0c2v9Hq1xZ8mB7nK3w' }) id: string;
  @ApiProperty({ enum: ['account'] }) object: 'account';
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['owner', 'admin', 'member'], description: "The signed-in user's role in this account." })
  role: string;
}

export class AuthSessionResponse {
  @ApiProperty({ example: 'ses_4fQd0c2v9Hq1xZ8mB7nK3w' }) id: string;
  @ApiProperty({ enum: ['session'] }) object: 'session';
  @ApiProperty({ enum: ['password', 'mfa', 'passkey'], description: '`mfa` when a second factor was passed at sign-in; `passkey` when it was a passkey (phishing-resistant).' })
  auth_level: string;
}

export class MfaSetupRequiredResponse {
  @ApiProperty({ enum: ['required', 'phishing_resistant'], description: "The account's sign-in policy this session does not meet." })
  policy: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Until then the session works normally.' })
  grace_until: string | null;
  @ApiProperty({
    description:
      'true once the grace period is over: this session may only set up a second factor (`phishing_resistant`: a passkey); ' +
      'other routes answer 403 mfa_setup_required.',
  })
  setup_only: boolean;
}

/** Who is signed in, for which account, in which session (the body of sign-ins and `GET /v1/auth/me`). */
export class SignedInResponse {
  @ApiProperty({ type: AuthUserResponse }) user: AuthUserResponse;
  @ApiProperty({ type: AuthAccountResponse, description: 'The account this session acts for.' })
  account: AuthAccountResponse;
  @ApiProperty({ type: AuthSessionResponse }) session: AuthSessionResponse;
  @ApiPropertyOptional({
    type: MfaSetupRequiredResponse,
    description: "Present when this sign-in does not meet the account's MFA policy: the dashboard should send the user to set up a factor.",
  })
  mfa_setup_required?: MfaSetupRequiredResponse;
}

export class MfaRequiredResponse {
  @ApiProperty({ enum: [true] }) mfa_required: true;
  @ApiProperty({ description: 'Pass to `POST /v1/auth/mfa/verify` with a code within 5 minutes; single use.' })
  mfa_token: string;
}

export class PendingVerificationResponse {
  @ApiProperty({ enum: ['pending_verification'] }) status: 'pending_verification';
}

export class AcceptedResponse {
  @ApiProperty({ enum: ['accepted'] }) status: 'accepted';
}

export type SignInResult = SignedInResponse | MfaRequiredResponse;

export function toSignedInResponse(view: SignedInView, session: { id: string; authLevel: string }): SignedInResponse {
  return {
    user: {
      id: view.user.id,
      object: 'user',
      email: view.user.email,
      name: view.user.name,
      email_verified: view.user.emailVerifiedAt !== null,
      mfa_enabled: view.user.mfaEnabled,
    },
    account: { id: view.account.id, object: 'account', name: view.account.name, role: view.role },
    session: { id: session.id, object: 'session', auth_level: session.authLevel },
    ...mfaSetupOf(view, session.authLevel),
  };
}

function mfaSetupOf(view: SignedInView, authLevel: string): { mfa_setup_required?: MfaSetupRequiredResponse } {
  const standing = policyStanding(view.account.mfaPolicy, view.account.mfaGraceUntil, authLevel, new Date());
  if (standing.kind === 'compliant') return {};
  return {
    mfa_setup_required: {
      policy: standing.policy,
      grace_until: (standing.kind === 'grace' ? standing.until : view.account.mfaGraceUntil)?.toISOString() ?? null,
      setup_only: standing.kind === 'setup_only',
    },
  };
}
