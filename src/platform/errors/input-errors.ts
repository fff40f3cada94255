import { apiError } from './api-error';

/** Refusals of malformed input, before or during validation. `param` is the JSON path of the field. */
export const InputErrors = {
  unknownParameter: (param: string) => apiError(400, 'unknown_parameter', `Received unknown parameter: ${param}.`, { param }),
  missing: (param: string, expected: string) => apiError(400, 'parameter_invalid', `${param} is required: ${expected}.`, { param }),
  wrongType: (param: string, expected: string) => apiError(400, 'parameter_invalid', `${param} must be ${expected}.`, { param }),
  notAnObject: () => apiError(400, 'parameter_invalid', 'The request body must be a JSON object.'),
  noBodyAccepted: () => apiError(400, 'parameter_invalid', 'This endpoint takes no request body.'),
  tooDeep: (param: string, max: number) =>
    apiError(400, 'nesting_too_deep', `The request body nests objects or arrays deeper than ${max} levels${at(param)}.`, paramOf(param)),
  tooManyKeys: (param: string, max: number) =>
    apiError(400, 'too_many_parameters', `An object in the request body has more than ${max} keys${at(param)}.`, paramOf(param)),
  tooManyValues: (max: number) => apiError(400, 'too_many_parameters', `The request body holds more than ${max} values.`),
  stringTooLong: (param: string, max: number) =>
    apiError(400, 'string_too_long', `${param} must be at most ${max} characters.`, { param }),
  keyTooLong: (param: string, max: number) =>
    apiError(400, 'parameter_invalid', `A field name${at(param)} is longer than ${max} characters.`, paramOf(param)),
  malformedKey: (param: string) =>
    apiError(400, 'parameter_invalid', `A field name${at(param)} contains a NUL character or an unpaired surrogate.`, paramOf(param)),
  nulCharacter: (param: string) => apiError(400, 'parameter_invalid', `${param} must not contain NUL characters.`, { param }),
  malformedText: (param: string) =>
    apiError(400, 'parameter_invalid', `${param} must be valid Unicode text (it contains an unpaired surrogate).`, { param }),
  notFinite: (param: string) => apiError(400, 'parameter_invalid', `${param} must be a finite number.`, { param }),
  notUtf8: () => apiError(400, 'malformed_json', 'The request body is not valid UTF-8.'),
  unsupportedEncoding: () =>
    apiError(415, 'unsupported_media_type', 'Content-Encoding is not supported: send the body uncompressed (identity).'),
  unsupportedCharset: () => apiError(415, 'unsupported_media_type', 'Send JSON bodies in UTF-8.'),
  unsupportedMediaType: (accepted: readonly string[]) =>
    apiError(415, 'unsupported_media_type', `This endpoint takes ${accepted.length ? accepted.join(' or ') : 'no request body'}.`),
  unreadableBody: () => apiError(400, 'body_invalid', 'The request body could not be read.'),
  invalidText: () => apiError(400, 'parameter_invalid', 'A value in the request cannot be stored: invalid text, too long or out of range.'),
};

function at(param: string): string {
  return param ? ` (at ${param})` : '';
}

function paramOf(param: string): { param?: string } {
  return param ? { param } : {};
}
