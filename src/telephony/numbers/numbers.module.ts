import { Module } from '@nestjs/common';
import { EventsModule } from '../../events/events.module';
import { NumbersController } from './numbers.controller';
import { NumbersRepository } from './numbers.repository';
import { NumbersService } from './numbers.service';

/** Numbers assigned to accounts; where the requirements need it, backed by an approved compliance bundle. */
@Module({
  imports: [EventsModule],
  controllers: [NumbersController],
  providers: [NumbersRepository, NumbersService],
})
export class NumbersModule {}
