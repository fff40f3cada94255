import { MailTokenField, NewPasswordField } from './auth-fields';

export class ResetPasswordDto {
  @MailTokenField() token: string;
  @NewPasswordField() new_password: string;
}
