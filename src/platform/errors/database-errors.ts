/**
 * Whether an error means "the database cannot be reached right now" (server down or
 * restarting, connection cut, pool exhausted past its acquire timeout) rather than a bug or a
 * bad query. Those answer 503 with Retry-After; the pool reconnects by itself once the server
 * is back. Shapes covered: pg's own errors, Prisma's P1xxx codes and the driver-adapter causes.
 */
const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// admin_shutdown, crash_shutdown, cannot_connect_now, connection_exception family, too_many_connections
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '53300']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
  'Connection closed',
  "Can't reach database server",
  'Server has closed the connection',
];

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const e = error as {
    code?: unknown;
    kind?: unknown;
    originalCode?: unknown;
    message?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: { cause?: unknown } };
  };
  if (typeof e.code === 'string' && (PRISMA_UNAVAILABLE.has(e.code) || SQLSTATES.has(e.code) || SOCKET_CODES.has(e.code))) return true;
  if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.originalCode === 'string' && SQLSTATES.has(e.originalCode)) return true;
  if (typeof e.message === 'string' && MESSAGES.some((m) => (e.message as string).includes(m))) return true;
  return isDatabaseUnavailable(e.meta?.driverAdapterError?.cause, depth + 1) || isDatabaseUnavailable(e.cause, depth + 1);
}
