import { Module } from '@nestjs/common';
import { EventsModule } from '../../events/events.module';
import { ApiKeyAuthRepository } from './api-key-auth.repository';
import { ApiKeyVerifier } from './api-key-verifier';
import { ApiKeyStrategy } from './api-key.strategy';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';

/**
 * API keys: verifying a bearer key on a request (ApiKeyStrategy, used by the global
 * Authenticator) and key management (session only).
 */
@Module({
  imports: [EventsModule],
  controllers: [ApiKeysController],
  providers: [ApiKeyAuthRepository, ApiKeyVerifier, ApiKeyStrategy, ApiKeysService, ApiKeysRepository],
  exports: [ApiKeyStrategy],
})
export class ApiKeysModule {}
