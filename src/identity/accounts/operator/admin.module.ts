import { Module } from '@nestjs/common';
import { AdminAccountsController } from './admin-accounts.controller';
import { AdminAccountsRepository } from './admin-accounts.repository';
import { AdminAccountsService } from './admin-accounts.service';
import { ThrottlingModule } from '../../../pipeline/throttling/throttling.module';
import { EventsModule } from '../../../events/events.module';

/** The operator API (/v1/admin): ADMIN_API_TOKEN only, off when it is unset (see RequestAuthenticator). */
@Module({
  imports: [ThrottlingModule, EventsModule],
  controllers: [AdminAccountsController],
  providers: [AdminAccountsService, AdminAccountsRepository],
})
export class AdminModule {}
