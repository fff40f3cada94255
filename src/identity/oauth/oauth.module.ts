import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OAuthController } from './oauth.controller';
import { OAuthRepository } from './oauth.repository';
import { OAuthService } from './oauth.service';
import { OidcClientService } from './oidc-client.service';

/** OpenID Connect sign-in with the providers in OAUTH_PROVIDERS; SignInService applies MFA. */
@Module({
  imports: [AuthModule],
  controllers: [OAuthController],
  providers: [OAuthRepository, OAuthService, OidcClientService],
})
export class OAuthModule {}
