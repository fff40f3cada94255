import { Module } from '@nestjs/common';
import { AccountOwnersDirectory } from '../../events/webhook-deliveries/account-owners.port';
import { AccountAuthController } from './account-auth.controller';
import { AccountOwnersFromMembers } from './account-owners.directory';
import { AccountsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { MembersRepository } from './members.repository';
import { MembersService } from './members.service';
import { SessionsModule } from '../sessions/sessions.module';
import { SignInPolicyController } from './sign-in-policy.controller';
import { SignInPolicyService } from './sign-in-policy.service';

/** Accounts, members and roles, invitations, switching the session's account, and the members' sign-in policy. */
@Module({
  imports: [SessionsModule],
  controllers: [AccountsController, AccountAuthController, SignInPolicyController],
  providers: [
    AccountsRepository,
    AccountsService,
    MembersRepository,
    MembersService,
    InvitationsRepository,
    InvitationsService,
    SignInPolicyService,
    // Found by the webhook worker at run time (events/ cannot import identity/, which publishes into it).
    { provide: AccountOwnersDirectory, useClass: AccountOwnersFromMembers },
  ],
})
export class AccountsModule {}
