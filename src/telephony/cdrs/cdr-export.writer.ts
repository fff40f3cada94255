import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { cdrCsvHeader } from './cdr-csv';

const CLIENT_GONE = Symbol('client gone');

/**
 * The body's first chunk (null when it is empty), or CLIENT_GONE if the response closed
 * first; rejects with the body's error. Nothing is consumed beyond that chunk.
 */
function firstChunk(body: Readable, res: Response): Promise<Buffer | string | null | typeof CLIENT_GONE> {
  return new Promise((resolve, reject) => {
    const settle = (finish: () => void) => {
      body.off('readable', onReadable);
      body.off('end', onEnd);
      body.off('error', onError);
      res.off('close', onClose);
      finish();
    };
    const onReadable = () => {
      const chunk = body.read() as Buffer | string | null;
      if (chunk !== null) settle(() => resolve(chunk));
    };
    const onEnd = () => settle(() => resolve(null));
    const onError = (error: Error) => settle(() => reject(error));
    const onClose = () => settle(() => resolve(CLIENT_GONE));
    body.on('readable', onReadable);
    body.once('end', onEnd);
    body.once('error', onError);
    res.once('close', onClose);
  });
}

/**
 * Streams the CSV body after a header row, with backpressure: the body is read only as fast
 * as the socket takes it, so a slow reader holds the database back instead of filling memory.
 * Headers go out with the first chunk: a failure before it is still an ordinary JSON error.
 * A failure after it destroys the connection, so a cut-off file never looks complete; a
 * client that goes away destroys the body, which releases what it holds.
 */
export async function streamCdrCsv(
  res: Response,
  body: Readable,
  filename: string,
  onLateError: (error: unknown) => void,
  idleTimeoutMs: number,
): Promise<void> {

  let first: Awaited<ReturnType<typeof firstChunk>>;
  try {
    first = await firstChunk(body, res);
  } catch (error) {
    body.destroy();
    throw error;
  }
  if (first === CLIENT_GONE) {
    body.destroy();
    return;
  }
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.write(cdrCsvHeader());
  if (first !== null) res.write(first);
  // A client that stops reading stalls the pipeline (backpressure): after idleTimeoutMs with no
  // chunk taken by the socket, the response is destroyed, which ends the body and frees its
  // database connection. (A socket timeout does not fire reliably while TLS writes are pending.)
  let lastProgress = Date.now();
  const progress = new Transform({
    transform(chunk, _encoding, callback) {
      lastProgress = Date.now();
      callback(null, chunk);
    },
  });
  const watchdog = setInterval(() => {
    if (Date.now() - lastProgress >= idleTimeoutMs) res.destroy();
  }, Math.max(100, Math.floor(idleTimeoutMs / 4)));
  watchdog.unref();
  try {
    await pipeline(body, progress, res);
  } catch (error) {
    // A premature close is the client leaving (or stalling past the idle timeout), not a failure worth reporting.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') onLateError(error);
    res.destroy();
  } finally {
    clearInterval(watchdog);
  }
}
