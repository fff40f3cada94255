import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SessionsModule } from '../sessions/sessions.module';
import { EventsModule } from '../../events/events.module';
import { AccountClosureController } from './account-closure.controller';
import { AccountClosureRepository } from './account-closure.repository';
import { AccountClosureService } from './account-closure.service';

/**
 * `POST /v1/account/close`. A folder of its own rather than part of accounts/: it needs auth/
 * (password lock-out, the second-factor port), and auth/ already imports accounts/.
 */
@Module({
  imports: [AuthModule, SessionsModule, EventsModule],
  controllers: [AccountClosureController],
  providers: [AccountClosureRepository, AccountClosureService],
})
export class AccountClosureModule {}
