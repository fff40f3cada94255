import { Global, Module } from '@nestjs/common';
import { EncryptionService } from './encryption.service';

/** Global because most features store a secret; needs the global ConfigModule. */
@Global()
@Module({
  providers: [EncryptionService],
  exports: [EncryptionService],
})
export class EncryptionModule {}
