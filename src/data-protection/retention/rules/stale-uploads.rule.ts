import { Injectable } from '@nestjs/common';
import { purge } from '../purge';
import type { RetentionRule, RuleContext } from '../retention-context';
import { RETENTION_DEFAULTS } from '../retention-policy';
import { RetentionRepository } from '../retention.repository';

/**
 * Document uploads left `uploading` (an instance died mid-upload) for more than a day: never
 * visible to anyone, deleted with their encrypted chunks (cascade).
 */
@Injectable()
export class StaleUploadsRule implements RetentionRule {
  readonly name = 'stale_uploads';

  constructor(private readonly sql: RetentionRepository) {}

  run(ctx: RuleContext): Promise<void> {
    const cutoff = new Date(ctx.now.getTime() - RETENTION_DEFAULTS.staleUploadHours * 3600_000);
    return purge(ctx, this.sql, this.name, 'documents', "status = 'uploading' AND created_at < $1", [cutoff]);
  }
}
