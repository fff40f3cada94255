import { type ArgumentsHost, Catch, type ExceptionFilter, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.types';
import { requestIdOf } from '../request/request-context';
import { APP_LOGGER } from '../logging/logger';
import { safeError } from '../logging/safe-error';
import { sendApiError } from '../errors/error-response';
import { toApiError } from '../errors/to-api-error';

/** The single exit for errors: every failure leaves in the DESIGN §2 format, with the request id. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const { error, known } = toApiError(exception, this.config.bodyLimitBytes);
    if (!known) {
      this.logger.error({ err: safeError(exception), request_id: requestIdOf(req) }, 'unhandled error');
    }
    sendApiError(res, error, requestIdOf(req));
  }
}
