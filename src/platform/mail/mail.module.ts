import { Global, Module } from '@nestjs/common';
import { MailOutbox } from './mail-outbox';
import { MailOutboxRepository } from './mail-outbox.repository';
import { MailService } from './mail.service';

@Global()
@Module({ providers: [MailService, MailOutbox, MailOutboxRepository], exports: [MailService] })
export class MailModule {}
