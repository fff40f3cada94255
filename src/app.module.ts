import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { AccountClosureModule } from './account-closure/account-closure.module';
import { AccountsModule } from './accounts/accounts.module';
import { AdminModule } from './admin/admin.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthCoreModule } from './auth/auth-core.module';
import { AuthModule } from './auth/auth.module';
import { CdrModule } from './cdr/cdr.module';
import { AuthGuard } from './common/auth/auth.guard';
import { CommonModule } from './common/common.module';
import { ComplianceModule } from './compliance/compliance.module';
import { EncryptionModule } from './common/crypto/encryption.module';
import { ApiExceptionFilter } from './common/errors/api-exception.filter';
import { RequestShapeGuard } from './common/validation/request-shape.guard';
import { ConfigModule } from './config/config.module';
import type { AppConfig } from './config/config.types';
import { HealthModule } from './health/health.module';
import { attachIdempotency } from './idempotency/idempotent-routes';
import { LoginHistoryModule } from './login-history/login-history.module';
import { MailModule } from './mail/mail.module';
import { MfaModule } from './mfa/mfa.module';
import { NumbersModule } from './numbers/numbers.module';
import { OAuthModule } from './oauth/oauth.module';
import type { DatabaseHandle } from './prisma/database';
import { InvoicesModule } from './invoices/invoices.module';
import { PrismaModule } from './prisma/prisma.module';
import { RetentionModule } from './retention/retention.module';
import { SessionsModule } from './sessions/sessions.module';
import { SipGatewaysModule } from './sip-gateways/sip-gateways.module';
import { RateLimitGuard } from './throttling/rate-limit.guard';
import { ThrottlingModule } from './throttling/throttling.module';
import { WellKnownModule } from './well-known/well-known.module';

/**
 * Request path: https-only check (TRUST_PROXY mode) → request id → JSON body gate (reads and
 * bounds the body, records a refusal) → AuthGuard (authenticate, origin check, authorise) →
 * RateLimitGuard (per-account/per-IP budget) → RequestShapeGuard (refused body, media type,
 * unknown fields, wrong types) → IdempotencyInterceptor (mutations) → validation → controller; errors leave
 * through ApiExceptionFilter.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger, database?: DatabaseHandle): DynamicModule {
    const imports = [
      ConfigModule.forRoot(config, logger),
      PrismaModule.forRoot({ handle: database }),
      CommonModule,
      EncryptionModule,
      MailModule,
      AuthCoreModule,
      AuthModule,
      MfaModule,
      OAuthModule,
      LoginHistoryModule,
      SessionsModule,
      AccountsModule,
      AccountClosureModule,
      ApiKeysModule,
      AdminModule,
      HealthModule,
      WellKnownModule,
      CdrModule,
      ComplianceModule,
      NumbersModule,
      InvoicesModule,
      RetentionModule,
      SipGatewaysModule,
      ThrottlingModule,
    ];
    // The interceptor goes on the mutating routes only (see idempotent-routes.ts).
    attachIdempotency(imports);
    return {
      module: AppModule,
      imports,
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        // After AuthGuard (Nest runs global guards in registration order): budgets are per account.
        // The modules' own instances, so the guard that limits refused credentials is this one too.
        { provide: APP_GUARD, useExisting: RateLimitGuard },
        // Last guard: a refused body (see json-body.middleware.ts) has spent its budget by now.
        { provide: APP_GUARD, useClass: RequestShapeGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
    };
  }
}
