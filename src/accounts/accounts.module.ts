import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MfaModule } from '../mfa/mfa.module';
import { AccountClosureRepository } from './account-closure.repository';
import { AccountClosureService } from './account-closure.service';
import { AccountAuthController } from './account-auth.controller';
import { AccountsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { MembersRepository } from './members.repository';
import { MembersService } from './members.service';

/** Accounts, members and roles, invitations, closure, and switching the session's account. */
@Module({
  imports: [AuthModule, MfaModule],
  controllers: [AccountsController, AccountAuthController],
  providers: [
    AccountClosureRepository,
    AccountClosureService,
    AccountsRepository,
    AccountsService,
    MembersRepository,
    MembersService,
    InvitationsRepository,
    InvitationsService,
  ],
})
export class AccountsModule {}
