import { EmailField, PasswordField } from './auth-fields';

export class LoginDto {
  @EmailField() email: string;
  @PasswordField() password: string;
}
