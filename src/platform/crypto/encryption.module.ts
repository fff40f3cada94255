import { Global, Module } from '@nestjs/common';
import { EncryptionService } from './encryption.service';
import { KeyRotationRepository } from '../../data-protection/key-rotation/key-rotation.repository';
import { KeyRotationService } from '../../data-protection/key-rotation/key-rotation.service';

/** Global because most features store a secret; needs the global ConfigModule and PrismaModule. */
@Global()
@Module({
  providers: [EncryptionService, KeyRotationRepository, KeyRotationService],
  exports: [EncryptionService, KeyRotationService],
})
export class EncryptionModule {}
