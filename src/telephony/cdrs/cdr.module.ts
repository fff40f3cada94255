import { Module } from '@nestjs/common';
import { ExportSlots } from './export-slots';
import { AdminCdrsController } from './admin-cdrs.controller';
import { CdrIngestService } from './cdr-ingest.service';
import { CdrsController } from './cdrs.controller';
import { CdrsRepository } from './cdrs.repository';
import { CdrsService } from './cdrs.service';

@Module({
  controllers: [CdrsController, AdminCdrsController],
  providers: [CdrsRepository, CdrsService, CdrIngestService, ExportSlots],
  exports: [CdrIngestService],
})
export class CdrModule {}
