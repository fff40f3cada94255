import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SessionsModule } from '../sessions/sessions.module';
import { PasskeyCeremonies } from './passkey-ceremonies.service';
import { PasskeyFactors } from './passkey-factors.service';
import { PasskeysController } from './passkeys.controller';
import { PasskeysRepository } from './passkeys.repository';
import { PasskeysService } from './passkeys.service';

/**
 * Passkeys (WebAuthn): registration and management, passwordless sign-in, and the ceremonies the
 * MFA step and step-up use (MfaModule imports this module; this one never imports MfaModule).
 */
@Module({
  imports: [AuthModule, SessionsModule],
  controllers: [PasskeysController],
  providers: [PasskeysRepository, PasskeyCeremonies, PasskeyFactors, PasskeysService],
  exports: [PasskeyFactors],
})
export class PasskeysModule {}
