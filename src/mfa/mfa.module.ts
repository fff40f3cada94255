import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MfaChallengeRepository } from './mfa-challenge.repository';
import { MfaController } from './mfa.controller';
import { MfaFactorService } from './mfa-factor.service';
import { MfaRepository } from './mfa.repository';
import { MfaService } from './mfa.service';
import { MfaVerificationService } from './mfa-verification.service';
import { ReauthenticationService } from './reauthentication.service';

/**
 * TOTP setup, the second sign-in step and step-up. Imports AuthModule (SignInService,
 * PasswordHasher, login history); AuthModule never imports this one, so there is no cycle.
 */
@Module({
  imports: [AuthModule],
  controllers: [MfaController],
  providers: [
    MfaRepository,
    MfaChallengeRepository,
    MfaFactorService,
    MfaService,
    MfaVerificationService,
    ReauthenticationService,
  ],
  exports: [ReauthenticationService],
})
export class MfaModule {}
