import type { ApiError } from './api-error';
import { CommonErrors } from './common-errors';

interface PrismaLikeError {
  code?: unknown;
  name?: unknown;
  meta?: { target?: unknown; modelName?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: unknown } } } };
}

function uniqueFields(meta: PrismaLikeError['meta']): string | undefined {
  const target = meta?.target ?? meta?.driverAdapterError?.cause?.constraint?.fields;
  if (Array.isArray(target)) return target.map(String).join(',');
  return typeof target === 'string' ? target : undefined;
}

/** A unique constraint refused the write (Prisma P2002), for repositories that turn it into a result. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

/** Maps Prisma's known request errors to the wire format; anything else stays unknown (500). */
export function fromPrismaError(error: unknown): ApiError | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, name, meta } = error as PrismaLikeError;
  if (name !== 'PrismaClientKnownRequestError') return null;
  if (code === 'P2002') {
    return CommonErrors.conflict(undefined, uniqueFields(meta));
  }
  if (code === 'P2025') return CommonErrors.notFound();
  return null;
}
