import { Module } from '@nestjs/common';
import { LoginHistoryModule } from '../login-history/login-history.module';
import { SessionsModule } from '../sessions/sessions.module';
import { AuthMailer } from './auth-mailer';
import { AuthController } from './auth.controller';
import { AuthRepository } from './auth.repository';
import { LoginService } from './login.service';
import { LoginThrottleRepository } from './login-throttle.repository';
import { PasswordHasher } from './password-hasher';
import { PasswordController } from './password.controller';
import { PasswordAttempts } from './password-attempts.service';
import { PasswordService } from './password.service';
import { SignInService } from './sign-in.service';
import { SignupService } from './signup.service';
import { StepUpController } from './step-up.controller';
import { StepUpService } from './step-up.service';

/**
 * Sign-up, verification, password sign-in, password recovery and step-up. The second factor is
 * reached through the SecondFactor port, which the global MfaModule provides; this module never
 * imports MfaModule (MfaModule and OAuthModule import this one).
 */
@Module({
  imports: [LoginHistoryModule, SessionsModule],
  controllers: [AuthController, PasswordController, StepUpController],
  providers: [
    AuthRepository,
    AuthMailer,
    PasswordHasher,
    SignInService,
    SignupService,
    LoginService,
    PasswordService,
    PasswordAttempts,
    LoginThrottleRepository,
    StepUpService,
  ],
  exports: [PasswordHasher, SignInService, StepUpService, LoginHistoryModule],
})
export class AuthModule {}
