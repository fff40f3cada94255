import { Module } from '@nestjs/common';
import { AccountAuthController } from './account-auth.controller';
import { AccountsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { MembersRepository } from './members.repository';
import { MembersService } from './members.service';

/** Accounts, members and roles, invitations, and switching the session's account. */
@Module({
  controllers: [AccountsController, AccountAuthController],
  providers: [AccountsRepository, AccountsService, MembersRepository, MembersService, InvitationsRepository, InvitationsService],
})
export class AccountsModule {}
