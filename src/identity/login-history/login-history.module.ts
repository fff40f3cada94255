import { Module } from '@nestjs/common';
import { LoginHistoryController } from './login-history.controller';
import { LoginHistoryRepository } from './login-history.repository';
import { LoginHistoryService } from './login-history.service';

@Module({
  controllers: [LoginHistoryController],
  providers: [LoginHistoryRepository, LoginHistoryService],
  exports: [LoginHistoryService],
})
export class LoginHistoryModule {}
