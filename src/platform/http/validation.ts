import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { apiError } from '../errors/api-error';
import { InputErrors } from '../errors/input-errors';

function firstFailure(errors: ValidationError[], parent = ''): { param: string; message: string } | null {
  for (const error of errors) {
    const param = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) {
      const [message] = Object.values(error.constraints);
      return { param, message };
    }
    const nested = firstFailure(error.children ?? [], param);
    if (nested) return nested;
  }
  return null;
}

/**
 * Whitelisting, unknown fields refused, types transformed. The error names the first bad
 * field in `param`; the message is class-validator's, which also names it.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const failure = firstFailure(errors) ?? { param: undefined, message: 'The request is invalid.' };
      // RequestShapeGuard refuses unknown fields first; this is the net for anything it could not see.
      if (failure.message.startsWith('property ') && failure.param) return InputErrors.unknownParameter(failure.param);
      return apiError(400, 'parameter_invalid', failure.message, { param: failure.param });
    },
  });
}
