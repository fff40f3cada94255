import { Injectable } from '@nestjs/common';
import { EventsService } from '../../../events/events/events.service';
import type { RetentionRule, RuleContext } from '../retention-context';

/** Events: 30 days (their deliveries and attempts go with them), through the events feature's own purge. */
@Injectable()
export class EventsRule implements RetentionRule {
  readonly name = 'events';

  constructor(private readonly events: EventsService) {}

  async run(ctx: RuleContext): Promise<void> {
    if (ctx.dryRun) {
      ctx.add(this.name, await this.events.countExpired(ctx.now));
      return;
    }
    ctx.add(this.name, 0);
    for (;;) {
      const deleted = await this.events.purgeExpired(ctx.now, ctx.batchSize);
      ctx.add(this.name, deleted);
      if (deleted === 0) return;
      await ctx.batchDone();
      if (deleted < ctx.batchSize) return;
    }
  }
}
