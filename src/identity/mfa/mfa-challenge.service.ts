import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { randomBase62 } from '../../platform/ids/ids';
import type { FirstFactor } from '../auth/second-factor';
import { MfaChallengeRepository } from './mfa-challenge.repository';

/** How long a signed-in-with-the-first-factor user has to enter the second one. */
export const MFA_CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** Wrong codes a challenge takes before it locks. */
export const MFA_MAX_ATTEMPTS = 5;
/** How long a lock holds, for that challenge and any new one of the same user. */
export const MFA_LOCK_MS = 15 * 60 * 1000;

export interface IssueMfaChallengeInput {
  userId: string;
  accountId: string | null;
  method: FirstFactor;
}

export function hashMfaToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The bridge between a passed first factor and `POST /v1/auth/mfa/verify`: a short-lived,
 * single-use `mfa_token` of which only a sha256 is stored. Sign-in reaches it through the
 * SecondFactor port.
 */
@Injectable()
export class MfaChallengeService {
  constructor(private readonly challenges: MfaChallengeRepository) {}

  async issue(input: IssueMfaChallengeInput): Promise<string> {
    const token = `mfa_${randomBytes(32).toString('base64url')}`;
    await this.challenges.create({
      id: `mfac_${randomBase62(22)}`,
      userId: input.userId,
      accountId: input.accountId,
      tokenHash: hashMfaToken(token),
      method: input.method,
      expiresAt: new Date(Date.now() + MFA_CHALLENGE_TTL_MS),
    });
    return token;
  }
}
