import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { AdminBundlesController } from './bundles/admin-bundles.controller';
import { BundlesController } from './bundles/bundles.controller';
import { BundlesRepository } from './bundles/bundles.repository';
import { BundlesService } from './bundles/bundles.service';
import { DocumentsController } from './documents/documents.controller';
import { DocumentsRepository } from './documents/documents.repository';
import { DocumentsService } from './documents/documents.service';
import { EndUsersController } from './end-users/end-users.controller';
import { EndUsersRepository } from './end-users/end-users.repository';
import { EndUsersService } from './end-users/end-users.service';
import { ErasureRepository } from './erasure/erasure.repository';
import { ErasureService } from './erasure/erasure.service';
import { RequirementsController } from './requirements/requirements.controller';

/**
 * Regulated personal data: end-users, documents (encrypted binaries), bundles and their review,
 * erasure with legal holds. Exports what the retention job needs (deferred erasure,
 * unfinished uploads).
 */
@Module({
  imports: [EventsModule],
  controllers: [RequirementsController, EndUsersController, DocumentsController, BundlesController, AdminBundlesController],
  providers: [
    EndUsersRepository,
    EndUsersService,
    DocumentsRepository,
    DocumentsService,
    BundlesRepository,
    BundlesService,
    ErasureRepository,
    ErasureService,
  ],
  exports: [ErasureService, DocumentsService],
})
export class ComplianceModule {}
