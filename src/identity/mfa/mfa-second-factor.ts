import { Injectable } from '@nestjs/common';
import type { PasskeyAssertionRequest } from '../auth/dto/passkey-credential.request';
import { SecondFactor, type SecondFactorChallengeInput } from '../auth/second-factor';
import { PasskeyFactors } from '../passkeys/passkey-factors.service';
import { MfaChallengeService } from './mfa-challenge.service';
import { MfaCodeAttempts } from './mfa-code-attempts.service';
import { MfaFactorService } from './mfa-factor.service';

/** TOTP with recovery codes, and passkeys, behind auth's SecondFactor port. */
@Injectable()
export class MfaSecondFactor extends SecondFactor {
  constructor(
    private readonly challenges: MfaChallengeService,
    private readonly factors: MfaFactorService,
    private readonly attempts: MfaCodeAttempts,
    private readonly passkeys: PasskeyFactors,
  ) {
    super();
  }

  issueChallenge(input: SecondFactorChallengeInput): Promise<string> {
    return this.challenges.issue(input);
  }

  async isEnabled(userId: string): Promise<boolean> {
    return ((await this.factors.findUser(userId))?.mfaEnabled ?? false) || (await this.passkeys.hasPasskey(userId));
  }

  acceptCode(userId: string, code: string): Promise<boolean> {
    return this.attempts.accept(userId, code);
  }

  async acceptPasskey(userId: string, assertion: PasskeyAssertionRequest, param: string): Promise<void> {
    await this.passkeys.verify('step_up', userId, assertion, param);
  }
}
