import type { Response } from 'express';
import { cdrCsvHeader } from './cdr-csv';

/** Resolves true once the socket takes more data, false if the client went away first. */
function writable(res: Response): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  // The drain may already have happened while the next batch was being fetched.
  if (!res.writableNeedDrain) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/**
 * Streams CSV batch by batch, each batch one pre-rendered chunk: the next batch is fetched
 * while the socket drains, and nothing more is written until it has, so a slow reader holds
 * the query loop back instead of filling memory (at most two batches are held). Headers go
 * out with the first batch: a failure before it is still an ordinary JSON error. A failure
 * after it destroys the connection, so a cut-off file never looks complete.
 */
export async function streamCdrCsv(
  res: Response,
  batches: AsyncIterable<string>,
  filename: string,
  onLateError: (error: unknown) => void,
): Promise<void> {
  const iterator = batches[Symbol.asyncIterator]();
  const first = await iterator.next();
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.write(cdrCsvHeader());
  try {
    let next = first;
    while (!next.done) {
      if (!(await writable(res))) {
        await iterator.return?.(undefined);
        return;
      }
      res.write(next.value);
      next = await iterator.next();
    }
    res.end();
  } catch (error) {
    onLateError(error);
    res.destroy(error instanceof Error ? error : new Error('export failed'));
  }
}
