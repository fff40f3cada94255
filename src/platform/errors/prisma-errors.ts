import type { ApiError } from './api-error';
import { InputErrors } from './input-errors';
import { CommonErrors } from './common-errors';

interface PrismaLikeError {
  code?: unknown;
  name?: unknown;
  meta?: {
    target?: unknown;
    modelName?: unknown;
    driverAdapterError?: { cause?: { originalCode?: unknown; constraint?: { fields?: unknown } } };
  };
}

/**
 * PostgreSQL refusing a value the client sent (SQLSTATE class 22 "data exception": NUL byte or
 * invalid text 22021/22P05, bad literal 22P02, too long 22001, out of range 22003/22008, bad
 * date 22007; 54000 an index row too large). Validation should have caught it; if it did not,
 * it is still the client's input, so a 400 and never a 500.
 */
const INVALID_INPUT_SQLSTATES = new Set(['22021', '22P05', '22P02', '22001', '22003', '22007', '22008', '54000']);
/** Prisma's own codes for the same: value too long, invalid value, out of range, number too large. */
const INVALID_INPUT_PRISMA_CODES = new Set(['P2000', 'P2007', 'P2020', 'P2033']);

/** The SQLSTATE of a database error, from Prisma's driver-adapter error or a `pg` DatabaseError. */
function sqlStateOf(error: object): string | undefined {
  const fromAdapter = (error as PrismaLikeError).meta?.driverAdapterError?.cause?.originalCode;
  if (typeof fromAdapter === 'string') return fromAdapter;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && (error as { severity?: unknown }).severity !== undefined ? code : undefined;
}

export function isInvalidInputError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const state = sqlStateOf(error);
  if (state && INVALID_INPUT_SQLSTATES.has(state)) return true;
  const { code, name } = error as PrismaLikeError;
  return name === 'PrismaClientKnownRequestError' && typeof code === 'string' && INVALID_INPUT_PRISMA_CODES.has(code);
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

/**
 * A foreign key refused the write (Prisma P2003, SQLSTATE 23503): a row the request refers to was
 * removed at the same moment. Writers lock what they refer to, so this is a last line of defence.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return (error as { code?: unknown }).code === 'P2003' || sqlStateOf(error) === '23503';
}

/** Maps Prisma's known request errors to the wire format; anything else stays unknown (500). */
export function fromPrismaError(error: unknown): ApiError | null {
  if (typeof error !== 'object' || error === null) return null;
  if (isInvalidInputError(error)) return InputErrors.invalidText();
  if (isForeignKeyViolation(error)) {
    return CommonErrors.conflict('A resource this request refers to was removed or changed at the same moment; retry the request.');
  }
  const { code, name, meta } = error as PrismaLikeError;
  if (name !== 'PrismaClientKnownRequestError') return null;
  if (code === 'P2002') {
    return CommonErrors.conflict(undefined, uniqueFields(meta));
  }
  if (code === 'P2025') return CommonErrors.notFound();
  return null;
}
