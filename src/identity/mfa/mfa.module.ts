import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SecondFactor } from '../auth/second-factor';
import { MemberFactors } from '../accounts/member-factors';
import { PasskeysModule } from '../passkeys/passkeys.module';
import { MfaMemberFactors } from './mfa-member-factors';
import { MfaChallengeRepository } from './mfa-challenge.repository';
import { MfaChallengeService } from './mfa-challenge.service';
import { MfaCodeAttempts } from './mfa-code-attempts.service';
import { MfaController } from './mfa.controller';
import { MfaFactorService } from './mfa-factor.service';
import { MfaRepository } from './mfa.repository';
import { MfaSecondFactor } from './mfa-second-factor';
import { MfaService } from './mfa.service';
import { MfaVerificationService } from './mfa-verification.service';

/**
 * TOTP setup and the second sign-in step. Imports AuthModule (SignInService, PasswordAttempts,
 * login history) and implements auth's SecondFactor port and accounts' MemberFactors port (TOTP
 * and passkeys); global so that AuthModule and AccountsModule reach them without importing it back.
 */
@Global()
@Module({
  imports: [AuthModule, PasskeysModule],
  controllers: [MfaController],
  providers: [
    MfaRepository,
    MfaChallengeRepository,
    MfaChallengeService,
    MfaFactorService,
    MfaCodeAttempts,
    MfaService,
    MfaVerificationService,
    { provide: SecondFactor, useClass: MfaSecondFactor },
    { provide: MemberFactors, useClass: MfaMemberFactors },
  ],
  exports: [SecondFactor, MemberFactors],
})
export class MfaModule {}
