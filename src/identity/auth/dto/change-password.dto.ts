import { NewPasswordField, PasswordField } from './auth-fields';

export class ChangePasswordDto {
  @PasswordField() current_password: string;
  @NewPasswordField() new_password: string;
}
