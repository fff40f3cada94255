import { HttpException } from '@nestjs/common';
import { ApiError, apiError } from './api-error';
import { DecryptionError } from '../crypto/decryption-error';
import { CommonErrors } from './common-errors';
import { isDatabaseUnavailable } from './database-errors';
import { fromPrismaError } from './prisma-errors';

interface BodyParserError {
  type?: unknown;
  status?: unknown;
  limit?: unknown;
}

/** Classifies anything thrown into an ApiError; returns `known: false` for errors to log as bugs. */
export function toApiError(error: unknown, bodyLimit: number): { error: ApiError; known: boolean } {
  if (error instanceof ApiError) return { error, known: true };
  if (isDatabaseUnavailable(error)) return { error: CommonErrors.databaseUnavailable(), known: true };
  const prisma = fromPrismaError(error);
  if (prisma) return { error: prisma, known: true };

  const parserType = (error as BodyParserError | null)?.type;
  if (parserType === 'entity.parse.failed') return { error: CommonErrors.malformedJson(), known: true };
  if (parserType === 'entity.too.large') {
    // Routes with their own parser (the CDR ingest) have a different limit than the global one.
    const applied = (error as BodyParserError).limit;
    return { error: CommonErrors.bodyTooLarge(typeof applied === 'number' ? applied : bodyLimit), known: true };
  }
  if (parserType === 'encoding.unsupported' || parserType === 'charset.unsupported') {
    return { error: CommonErrors.unsupportedMediaType(), known: true };
  }

  // Still logged as unexpected (known: false): the operator must fix the keys, the client cannot.
  if (error instanceof DecryptionError && error.kid && error.reason !== 'malformed') {
    return { error: CommonErrors.encryptionKeyMismatch(error.kid), known: false };
  }

  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return { error: CommonErrors.routeNotFound(), known: true };
    if (status < 500) {
      return { error: apiError(status, 'invalid_request', error.message), known: true };
    }
  }
  return { error: CommonErrors.internal(), known: false };
}
