import { Injectable } from '@nestjs/common';
import type { PasskeyAssertionRequest } from '../auth/dto/passkey-credential.request';
import { PasskeyCeremonies } from './passkey-ceremonies.service';
import { PasskeysRepository } from './passkeys.repository';

/**
 * What other features need of passkeys (the MFA step, step-up, member lists, the sign-in
 * policy, factor resets). Depends on nothing of sign-in, so SignInService can reach it through
 * the SecondFactor port without a cycle.
 */
@Injectable()
export class PasskeyFactors {
  constructor(
    private readonly repo: PasskeysRepository,
    private readonly ceremonies: PasskeyCeremonies,
  ) {}

  async hasPasskey(userId: string): Promise<boolean> {
    return (await this.repo.countForUser(userId)) > 0;
  }

  countByUsers(userIds: string[]): Promise<Map<string, number>> {
    return this.repo.countByUsers(userIds);
  }

  removeAllForUser(userId: string): Promise<number> {
    return this.repo.removeAllForUser(userId);
  }

  /** Assertion options listing the user's passkeys, for the second sign-in step or a step-up. */
  async optionsFor(purpose: 'second_factor' | 'step_up', userId: string) {
    return this.ceremonies.authenticationOptions(purpose, userId, await this.repo.listForUser(userId));
  }

  /** Throws 401 passkey_invalid (naming `param`) unless the assertion is the user's, for a live challenge of `purpose`. */
  async verify(purpose: 'second_factor' | 'step_up', userId: string, assertion: PasskeyAssertionRequest, param: string): Promise<void> {
    await this.ceremonies.verifyAssertion(purpose, userId, assertion, param);
  }
}
