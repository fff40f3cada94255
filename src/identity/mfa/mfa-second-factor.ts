import { Injectable } from '@nestjs/common';
import { SecondFactor, type SecondFactorChallengeInput } from '../auth/second-factor';
import { MfaChallengeService } from './mfa-challenge.service';
import { MfaCodeAttempts } from './mfa-code-attempts.service';
import { MfaFactorService } from './mfa-factor.service';

/** TOTP with recovery codes, behind auth's SecondFactor port. */
@Injectable()
export class MfaSecondFactor extends SecondFactor {
  constructor(
    private readonly challenges: MfaChallengeService,
    private readonly factors: MfaFactorService,
    private readonly attempts: MfaCodeAttempts,
  ) {
    super();
  }

  issueChallenge(input: SecondFactorChallengeInput): Promise<string> {
    return this.challenges.issue(input);
  }

  async isEnabled(userId: string): Promise<boolean> {
    return (await this.factors.findUser(userId))?.mfaEnabled ?? false;
  }

  acceptCode(userId: string, code: string): Promise<boolean> {
    return this.attempts.accept(userId, code);
  }
}
