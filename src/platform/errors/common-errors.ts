import { apiError } from './api-error';

/** Error codes shared by every module; feature modules name theirs in their own *-errors.ts. */
export const CommonErrors = {
  notFound: (what = 'resource') => apiError(404, 'resource_missing', `No such ${what}.`),
  routeNotFound: () => apiError(404, 'route_not_found', 'No such endpoint.'),
  methodNotAllowed: (method: string, allowed: string[]) =>
    apiError(405, 'method_not_allowed', `${method} is not allowed on this endpoint; it answers ${allowed.join(', ')}.`, {
      headers: { Allow: allowed.join(', ') },
    }),
  unauthenticated: () =>
    apiError(401, 'authentication_required', 'Authentication required: a didhub_sid session cookie or a Bearer API key.'),
  /** A key's scopes or a member's permissions lack what the request needs. */
  missingScope: (scope: string) => apiError(403, 'insufficient_permissions', `This request needs the ${scope} permission.`),
  forbidden: (message = 'You do not have permission to do this.') => apiError(403, 'forbidden', message),
  httpsRequired: () => apiError(403, 'https_required', 'This API is only served over HTTPS.'),
  invalidParam: (param: string, message: string) =>
    apiError(400, 'parameter_invalid', message, { param }),
  invalidCursor: () => apiError(400, 'parameter_invalid', 'cursor is not a valid cursor for this list.', { param: 'cursor' }),
  /** Bytes that are not an HTTP request (answered by the server's parser-error handler). */
  malformedRequest: () => apiError(400, 'malformed_request', 'The request could not be parsed as HTTP/1.1.'),
  headersTooLarge: () => apiError(431, 'request_header_too_large', 'The request line and headers are too large.'),
  requestTimeout: () => apiError(408, 'request_timeout', 'The request was not received in time.'),
  malformedJson: () => apiError(400, 'malformed_json', 'The request body is not valid JSON.'),
  bodyTooLarge: (limit: number) =>
    apiError(413, 'request_too_large', `The request body exceeds the limit of ${limit} bytes.`),
  unsupportedMediaType: () =>
    apiError(415, 'unsupported_media_type', 'Send the request body as application/json.'),
  conflict: (message = 'A resource with these values already exists.', param?: string) =>
    apiError(409, 'resource_conflict', message, { param }),
  internal: () => apiError(500, 'internal_error', 'An internal error occurred. Quote the request id when contacting support.'),
  /** Stored data the configured ENCRYPTION_KEYS cannot open (a restore or a deploy with other keys): an operator error, said plainly. */
  encryptionKeyMismatch: (kid: string) =>
    apiError(
      500,
      'encryption_key_mismatch',
      `Stored data is encrypted under key "${kid}", which this server's ENCRYPTION_KEYS do not hold (or hold a different key under that id). Quote the request id when contacting support.`,
    ),
  serviceUnavailable: (message = 'The service is not ready.', retryAfterSeconds = 2) =>
    apiError(503, 'service_unavailable', message, { headers: { 'Retry-After': String(retryAfterSeconds) } }),
  databaseUnavailable: () =>
    apiError(503, 'service_unavailable', 'The service is temporarily unavailable. Retry after the indicated delay.', {
      headers: { 'Retry-After': '2' },
    }),
  draining: () =>
    apiError(503, 'service_unavailable', 'The service is shutting down. Retry after the indicated delay.', {
      headers: { 'Retry-After': '5', Connection: 'close' },
    }),
};
