import { Module } from '@nestjs/common';
import { SessionManagementRepository } from './session-management.repository';
import { SessionManagementService } from './session-management.service';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/**
 * Sessions: the scheme itself (cookie, start, authenticate, revoke; SessionsService, used by the
 * global Authenticator and by sign-in) and the management endpoints.
 */
@Module({
  controllers: [SessionsController],
  providers: [SessionsRepository, SessionsService, SessionManagementRepository, SessionManagementService],
  exports: [SessionsService],
})
export class SessionsModule {}
