import { DisplayNameField, EmailField, NewPasswordField } from './auth-fields';

export class SignupDto {
  @EmailField() email: string;
  @NewPasswordField() password: string;
  @DisplayNameField('Ada Lovelace') name: string;
  @DisplayNameField('Analytical Engines Ltd') account_name: string;
}
