import { Global, Module } from '@nestjs/common';
import { ApiKeyAuthRepository } from '../api-keys/api-key-auth.repository';
import { ApiKeyVerifier } from '../api-keys/api-key-verifier';
import { ApiKeyStrategy } from '../api-keys/api-key.strategy';
import { Authenticator } from '../common/auth/authenticator';
import { SessionsRepository } from '../sessions/sessions.repository';
import { SessionsService } from '../sessions/sessions.service';
import { RequestAuthenticator } from './request-authenticator';

/** The schemes behind the global guard: session cookie, bearer API key, operator token. */
@Global()
@Module({
  providers: [
    SessionsRepository,
    SessionsService,
    ApiKeyAuthRepository,
    ApiKeyVerifier,
    ApiKeyStrategy,
    { provide: Authenticator, useClass: RequestAuthenticator },
  ],
  exports: [SessionsService, Authenticator],
})
export class AuthCoreModule {}
