import { Module } from '@nestjs/common';
import { LoginHistoryModule } from '../login-history/login-history.module';
import { MfaChallengeRepository } from '../mfa/mfa-challenge.repository';
import { MfaChallengeService } from '../mfa/mfa-challenge.service';
import { AuthMailer } from './auth-mailer';
import { AuthController } from './auth.controller';
import { AuthRepository } from './auth.repository';
import { LoginService } from './login.service';
import { PasswordHasher } from './password-hasher';
import { PasswordController } from './password.controller';
import { PasswordAttempts } from './password-attempts.service';
import { PasswordService } from './password.service';
import { SignInService } from './sign-in.service';
import { SignupService } from './signup.service';

/**
 * Sign-up, verification, password sign-in and password recovery. The MFA challenge issuer is
 * provided here rather than imported from MfaModule, because MfaModule (and OAuthModule) in
 * turn import this module for SignInService and PasswordHasher.
 */
@Module({
  imports: [LoginHistoryModule],
  controllers: [AuthController, PasswordController],
  providers: [
    AuthRepository,
    AuthMailer,
    PasswordHasher,
    SignInService,
    SignupService,
    LoginService,
    PasswordService,
    PasswordAttempts,
    MfaChallengeRepository,
    MfaChallengeService,
  ],
  exports: [PasswordHasher, PasswordAttempts, SignInService, MfaChallengeService, LoginHistoryModule],
})
export class AuthModule {}
