import type { Response } from 'express';
import { cdrCsvHeader, toCdrCsvLine } from './cdr-csv';
import { toCdrResponse } from './cdr-response';
import type { CdrRow } from './cdrs.repository';

/** Resolves true once the socket takes more data, false if the client went away first. */
function writable(res: Response): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
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
 * Streams CSV batch by batch, waiting for the socket to drain before asking for the next
 * batch, so a slow reader holds the query loop back instead of filling memory. Headers go
 * out with the first batch: a failure before it is still an ordinary JSON error. A failure
 * after it destroys the connection, so a cut-off file never looks complete.
 */
export async function streamCdrCsv(
  res: Response,
  batches: AsyncIterable<CdrRow[]>,
  filename: string,
  onLateError: (error: unknown) => void,
): Promise<void> {
  const iterator = batches[Symbol.asyncIterator]();
  const first = await iterator.next();
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  let more = res.write(cdrCsvHeader());
  try {
    let next = first;
    while (!next.done) {
      if (!more && !(await writable(res))) {
        await iterator.return?.(undefined);
        return;
      }
      let chunk = '';
      for (const row of next.value) chunk += toCdrCsvLine(toCdrResponse(row));
      more = res.write(chunk);
      next = await iterator.next();
    }
    res.end();
  } catch (error) {
    onLateError(error);
    res.destroy(error instanceof Error ? error : new Error('export failed'));
  }
}
