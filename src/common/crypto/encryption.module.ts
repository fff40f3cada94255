import { Global, Module } from '@nestjs/common';
import { EncryptionService } from './encryption.service';
import { KeyRotationRepository } from './key-rotation.repository';
import { KeyRotationService } from './key-rotation.service';

/** Global because most features store a secret; needs the global ConfigModule and PrismaModule. */
@Global()
@Module({
  providers: [EncryptionService, KeyRotationRepository, KeyRotationService],
  exports: [EncryptionService, KeyRotationService],
})
export class EncryptionModule {}
