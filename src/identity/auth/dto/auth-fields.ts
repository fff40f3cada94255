import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';
import { SingleLine } from '../../../platform/validation/single-line';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../password-policy';

/** Trimmed and lower-cased before validation, so one mailbox is one user. */
export const EmailField = () =>
  applyDecorators(
    ApiProperty({ example: 'ada@example.com', maxLength: 254, description: 'Trimmed and lower-cased.' }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)),
    IsString(),
    MaxLength(254),
    IsEmail({}, { message: '$property must be a valid email address.' }),
  );

export const NewPasswordField = () =>
  applyDecorators(
    ApiProperty({
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
      format: 'password',
      example: 'a long passphrase 42',
      description: 'At least 10 characters; common passwords, a single repeated character and the email address are refused.',
    }),
    IsString(),
    MinLength(PASSWORD_MIN_LENGTH),
    MaxLength(PASSWORD_MAX_LENGTH),
  );

/** A password being checked, not chosen: any length up to the maximum, so old ones still work. */
export const PasswordField = () =>
  applyDecorators(
    ApiProperty({ format: 'password', maxLength: PASSWORD_MAX_LENGTH, example: 'a long passphrase 42' }),
    IsString(),
    IsNotEmpty(),
    MaxLength(PASSWORD_MAX_LENGTH),
  );

export const MailTokenField = () =>
  applyDecorators(
    ApiProperty({ description: 'The `token=` value from the link in the mail.' }),
    IsString(),
    IsNotEmpty(),
    MaxLength(256),
  );

export const DisplayNameField = (example: string) =>
  applyDecorators(
    ApiProperty({ example, minLength: 1, maxLength: 100 }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value)),
    IsString(),
    MinLength(1),
    MaxLength(100),
    SingleLine(),
  );
