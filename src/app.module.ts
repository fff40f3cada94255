import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { AuthCoreModule } from './auth/auth-core.module';
import { AuthGuard } from './common/auth/auth.guard';
import { CommonModule } from './common/common.module';
import { EncryptionModule } from './common/crypto/encryption.module';
import { ApiExceptionFilter } from './common/errors/api-exception.filter';
import { ConfigModule } from './config/config.module';
import type { AppConfig } from './config/config.types';
import { HealthModule } from './health/health.module';
import { MailModule } from './mail/mail.module';
import type { DatabaseHandle } from './prisma/database';
import { PrismaModule } from './prisma/prisma.module';
import { WellKnownModule } from './well-known/well-known.module';

/**
 * Request path: https-only check (TRUST_PROXY mode) → request id → AuthGuard (authenticate,
 * origin check, authorise) → controller; errors leave through ApiExceptionFilter.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger, database?: DatabaseHandle): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, logger),
        PrismaModule.forRoot({ handle: database }),
        CommonModule,
        EncryptionModule,
        MailModule,
        AuthCoreModule,
        HealthModule,
        WellKnownModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
    };
  }
}
