import { Injectable } from '@nestjs/common';
import { MemberFactors } from '../accounts/member-factors';
import { PasskeyFactors } from '../passkeys/passkey-factors.service';
import { MfaFactorService } from './mfa-factor.service';

/** TOTP and passkeys behind the accounts feature's MemberFactors port. */
@Injectable()
export class MfaMemberFactors extends MemberFactors {
  constructor(
    private readonly factors: MfaFactorService,
    private readonly passkeys: PasskeyFactors,
  ) {
    super();
  }

  passkeyCounts(userIds: string[]): Promise<Map<string, number>> {
    return this.passkeys.countByUsers(userIds);
  }

  async resetAll(userId: string): Promise<{ totp: boolean; passkeys: number }> {
    const totp = await this.factors.turnOff(userId);
    const passkeys = await this.passkeys.removeAllForUser(userId);
    return { totp, passkeys };
  }
}
