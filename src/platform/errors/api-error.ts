import { HttpException } from '@nestjs/common';

export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'rate_limit_error'
  | 'idempotency_error'
  | 'api_error';

export interface ApiErrorBody {
  type: ApiErrorType;
  code: string;
  message: string;
  param?: string;
}

/**
 * The one exception every module throws. The global filter turns it into
 * `{"error":{type,code,message,param?,request_id}}`. `headers` carries e.g. Retry-After.
 */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly body: ApiErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message, status);
  }
}

const TYPE_BY_STATUS: Record<number, ApiErrorType> = {
  401: 'authentication_error',
  403: 'permission_error',
  429: 'rate_limit_error',
};

export function typeForStatus(status: number): ApiErrorType {
  if (status >= 500) return 'api_error';
  return TYPE_BY_STATUS[status] ?? 'invalid_request_error';
}

export function apiError(
  status: number,
  code: string,
  message: string,
  extra: { param?: string; headers?: Record<string, string>; type?: ApiErrorType } = {},
): ApiError {
  const body: ApiErrorBody = { type: extra.type ?? typeForStatus(status), code, message };
  if (extra.param !== undefined) body.param = extra.param;
  return new ApiError(status, body, extra.headers);
}
