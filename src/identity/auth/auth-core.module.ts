import { Global, Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { Authenticator } from '../../platform/auth/authenticator';
import { RecentAuthCheck } from '../../platform/auth/recent-auth-check';
import { SessionsModule } from '../sessions/sessions.module';
import { RecentSignIn } from './recent-sign-in';
import { RequestAuthenticator } from './request-authenticator';

/**
 * The global guard's Authenticator: picks the scheme (session cookie from SessionsModule, bearer
 * key from ApiKeysModule, operator token) and applies the route's rules (origin, scope, step-up).
 */
@Global()
@Module({
  imports: [SessionsModule, ApiKeysModule],
  providers: [
    RecentSignIn,
    { provide: Authenticator, useClass: RequestAuthenticator },
    { provide: RecentAuthCheck, useExisting: RecentSignIn },
  ],
  exports: [Authenticator, RecentAuthCheck],
})
export class AuthCoreModule {}
