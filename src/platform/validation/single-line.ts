import { ValidateBy, type ValidationOptions } from 'class-validator';

/** C0 and C1 controls (tab and newline included), DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is this check's purpose
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function isSingleLine(value: unknown): boolean {
  return typeof value === 'string' && !CONTROL.test(value);
}

/**
 * A one-line label that may end up in a mail, a CSV export or a support screen (account, user,
 * key and gateway names): no line breaks or other control characters, so it cannot add lines
 * or headers to a message.
 */
export function SingleLine(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSingleLine',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || isSingleLine(value),
        defaultMessage: (args) => `${args?.property} must be a single line of text without control characters`,
      },
    },
    options,
  );
}
