import { Module } from '@nestjs/common';
import { SessionManagementRepository } from './session-management.repository';
import { SessionManagementService } from './session-management.service';
import { SessionsController } from './sessions.controller';

/**
 * Session management endpoints. The session scheme itself (cookie, authenticate, start) lives
 * in the global AuthCoreModule, which provides SessionsService to this module.
 */
@Module({
  controllers: [SessionsController],
  providers: [SessionManagementRepository, SessionManagementService],
})
export class SessionsModule {}
