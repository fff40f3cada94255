import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.types';
import { requestIdOf } from '../request/request-context';
import { RouteMethods } from '../routes/route-methods';
import { ApiError } from '../errors/api-error';
import { CommonErrors } from '../errors/common-errors';
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
    private readonly routeMethods: RouteMethods,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    let { error, known } = toApiError(exception, this.config.bodyLimitBytes);
    // Routing found nothing (Nest's own 404, not a controller's): a known path with another method is a 405.
    if (exception instanceof HttpException && !(exception instanceof ApiError) && exception.getStatus() === 404) {
      const allowed = this.routeMethods.allowed(req.path);
      if (allowed.length) ({ error, known } = { error: CommonErrors.methodNotAllowed(req.method, allowed), known: true });
    }
    if (!known) {
      this.logger.error({ err: safeError(exception), request_id: requestIdOf(req) }, 'unhandled error');
    }
    sendApiError(res, error, requestIdOf(req));
  }
}
