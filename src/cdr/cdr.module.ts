import { Module } from '@nestjs/common';
import { AdminCdrsController } from './admin-cdrs.controller';
import { CdrIngestService } from './cdr-ingest.service';
import { CdrsController } from './cdrs.controller';
import { CdrsRepository } from './cdrs.repository';
import { CdrsService } from './cdrs.service';

@Module({
  controllers: [CdrsController, AdminCdrsController],
  providers: [CdrsRepository, CdrsService, CdrIngestService],
  exports: [CdrIngestService],
})
export class CdrModule {}
