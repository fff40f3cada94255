import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiError } from '../errors/api-error';
import { CommonErrors } from '../errors/common-errors';
import { errorBody } from '../errors/error-response';
import { newId } from '../ids/ids';

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

function errorFor(code: string | undefined): ApiError {
  if (code === 'HPE_HEADER_OVERFLOW') return CommonErrors.headersTooLarge();
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return CommonErrors.requestTimeout();
  return CommonErrors.malformedRequest();
}

/**
 * The server's 'clientError': bytes Node's HTTP parser cannot read. Node's own answer is a bare
 * `400 Bad Request` with no body, written even while the request before it on the connection
 * is still being handled — with a Content-Length shorter than the body, the rest is parsed as a
 * next request, and the client then gets Node's 400 instead of the answer to what it sent.
 * Here a complete request in flight is answered first and the connection closed after it;
 * otherwise the refusal is in the error format with a request id, and the connection closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage ?? null;
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (inFlight && !inFlight.writableEnded && inFlight.req?.complete) {
    inFlight.shouldKeepAlive = false;
    inFlight.once('finish', () => socket.end());
    inFlight.once('close', () => socket.destroy());
    return;
  }
  if (!inFlight?.headersSent) {
    const apiError = errorFor(error.code);
    const requestId = newId('request');
    const body = JSON.stringify(errorBody(apiError, requestId));
    const status = apiError.getStatus();
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status]}\r\nX-Request-Id: ${requestId}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  // A request cut mid-body cannot complete: the close tells its handler (uploads clean up on it).
  setTimeout(() => socket.destroy(), 1000).unref();
  if (inFlight?.headersSent) socket.destroy();
}
