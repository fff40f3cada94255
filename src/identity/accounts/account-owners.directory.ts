import { Injectable } from '@nestjs/common';
import { AccountOwnersDirectory } from '../../events/webhook-deliveries/account-owners.port';
import { MembersRepository } from './members.repository';

/** Who webhook delivery warns before disabling a failing endpoint: the account's owners. */
@Injectable()
export class AccountOwnersFromMembers extends AccountOwnersDirectory {
  constructor(private readonly members: MembersRepository) {
    super();
  }

  ownerEmails(accountId: string): Promise<string[]> {
    return this.members.ownerEmails(accountId);
  }
}
