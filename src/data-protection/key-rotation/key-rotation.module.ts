import { Module } from '@nestjs/common';
import { KeyRotationRepository } from './key-rotation.repository';
import { KeyRotationService } from './key-rotation.service';

/** Re-encryption of every registered encrypted column under the current key (`keys:rotate`). */
@Module({
  providers: [KeyRotationRepository, KeyRotationService],
  exports: [KeyRotationService],
})
export class KeyRotationModule {}
