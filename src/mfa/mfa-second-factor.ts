import { Injectable } from '@nestjs/common';
import { SecondFactor, type SecondFactorChallengeInput } from '../auth/second-factor';
import { MfaChallengeService } from './mfa-challenge.service';
import { MfaFactorService } from './mfa-factor.service';

/** TOTP with recovery codes, behind auth's SecondFactor port. */
@Injectable()
export class MfaSecondFactor extends SecondFactor {
  constructor(
    private readonly challenges: MfaChallengeService,
    private readonly factors: MfaFactorService,
  ) {
    super();
  }

  issueChallenge(input: SecondFactorChallengeInput): Promise<string> {
    return this.challenges.issue(input);
  }

  async isEnabled(userId: string): Promise<boolean> {
    return (await this.factors.findUser(userId))?.mfaEnabled ?? false;
  }

  async acceptCode(userId: string, code: string): Promise<boolean> {
    const user = await this.factors.findUser(userId);
    return user !== null && (await this.factors.acceptCode(user, code)) !== null;
  }
}
