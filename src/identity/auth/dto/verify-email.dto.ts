import { MailTokenField } from './auth-fields';

export class VerifyEmailDto {
  @MailTokenField() token: string;
}
