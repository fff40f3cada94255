import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import type { Logger } from 'pino';
import { AccountClosureModule } from '../identity/account-closure/account-closure.module';
import { AccountsModule } from '../identity/accounts/accounts.module';
import { AdminModule } from '../identity/accounts/operator/admin.module';
import { ApiKeysModule } from '../identity/api-keys/api-keys.module';
import { AuthCoreModule } from '../identity/auth/auth-core.module';
import { AuthModule } from '../identity/auth/auth.module';
import { CdrModule } from '../telephony/cdrs/cdr.module';
import { AuthGuard } from '../platform/auth/auth.guard';
import { CommonModule } from '../platform/platform.module';
import { ComplianceModule } from '../compliance/compliance.module';
import { EventsModule } from '../events/events.module';
import { WebhookWorkerModule } from '../events/webhook-deliveries/webhook-worker.module';
import { EncryptionModule } from '../platform/crypto/encryption.module';
import { KeyRotationModule } from '../data-protection/key-rotation/key-rotation.module';
import { ApiExceptionFilter } from '../platform/http/api-exception.filter';
import { RequestShapeGuard } from '../platform/http/request-shape.guard';
import { ConfigModule } from '../platform/config/config.module';
import { LoggingModule } from '../platform/logging/logging.module';
import type { AppConfig } from '../platform/config/config.types';
import { HealthModule } from '../platform/health/health.module';
import { attachIdempotency } from '../pipeline/idempotency/idempotent-routes';
import { LoginHistoryModule } from '../identity/login-history/login-history.module';
import { MailModule } from '../platform/mail/mail.module';
import { MetricsModule } from '../platform/metrics/metrics.module';
import { RouteMethods } from '../platform/routes/route-methods';
import { MfaModule } from '../identity/mfa/mfa.module';
import { PasskeysModule } from '../identity/passkeys/passkeys.module';
import { NumbersModule } from '../telephony/numbers/numbers.module';
import { OAuthModule } from '../identity/oauth/oauth.module';
import type { DatabaseHandle } from '../platform/database/database';
import { InvoicesModule } from '../billing/invoices/invoices.module';
import { PrismaModule } from '../platform/database/prisma.module';
import { RetentionModule } from '../data-protection/retention/retention.module';
import { StoredKeysCheckModule } from '../data-protection/key-rotation/stored-keys.check';
import { SessionsModule } from '../identity/sessions/sessions.module';
import { SipGatewaysModule } from '../telephony/sip-gateways/sip-gateways.module';
import { RateLimitGuard } from '../pipeline/throttling/rate-limit.guard';
import { ThrottlingModule } from '../pipeline/throttling/throttling.module';
import { WellKnownModule } from '../platform/well-known/well-known.module';

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
      DiscoveryModule,
      ConfigModule.forRoot(config),
      LoggingModule.forRoot(logger),
      PrismaModule.forRoot({ handle: database }),
      CommonModule,
      EncryptionModule,
      KeyRotationModule,
      MailModule,
      AuthCoreModule,
      AuthModule,
      MfaModule,
      PasskeysModule,
      OAuthModule,
      LoginHistoryModule,
      SessionsModule,
      AccountsModule,
      AccountClosureModule,
      ApiKeysModule,
      AdminModule,
      HealthModule,
      MetricsModule,
      WellKnownModule,
      CdrModule,
      ComplianceModule,
      NumbersModule,
      InvoicesModule,
      RetentionModule,
      StoredKeysCheckModule,
      SipGatewaysModule,
      EventsModule,
      WebhookWorkerModule,
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
        RouteMethods,
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
    };
  }
}
