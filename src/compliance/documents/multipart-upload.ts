import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { type Readable, Transform } from 'node:stream';
import busboy from 'busboy';
import { CommonErrors } from '../../platform/errors/common-errors';
import { ComplianceErrors } from '../compliance-errors';

export interface MultipartResult<F> {
  fields: Record<string, string>;
  file: F;
  /** sha256 of the raw request body as received: what idempotency compares. */
  rawSha256: string;
}

const FIELD_MAX_BYTES = 256;
const noop = (): void => undefined;

/**
 * Streams a multipart/form-data body: text fields are collected (only `allowedFields`), the one
 * `file` part is handed to `onFile` as a stream, which consumes it with backpressure. Nothing is
 * buffered whole and nothing touches the disk. On the first problem reading stops (the input is
 * unpiped) and the promise rejects with the 4xx; the caller cleans up what `onFile` stored.
 */
export function readMultipart<F>(
  input: Readable,
  headers: IncomingHttpHeaders,
  allowedFields: readonly string[],
  onFile: (stream: Readable) => Promise<F>,
): Promise<MultipartResult<F>> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers,
        limits: { files: 1, fields: allowedFields.length, parts: allowedFields.length + 2, fieldSize: FIELD_MAX_BYTES, headerPairs: 20 },
      });
    } catch {
      reject(ComplianceErrors.notMultipart());
      return;
    }
    const raw = createHash('sha256');
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        raw.update(chunk);
        callback(null, chunk);
      },
    });
    const fields: Record<string, string> = {};
    let filePromise: Promise<F> | null = null;
    let failed = false;

    let fileStream: Readable | null = null;

    // Rejects only once `onFile` has settled: the caller's clean-up must not race a chunk still
    // being written. The file stream is destroyed so that `onFile` stops reading at once.
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      input.unpipe(tap);
      tap.unpipe(parser);
      fileStream?.destroy();
      const settled = filePromise ? filePromise.then(noop, noop) : Promise.resolve();
      void settled.then(() => reject(error));
    };

    parser.on('field', (name, value, info) => {
      if (!allowedFields.includes(name) || name in fields) return fail(ComplianceErrors.unexpectedPart(name));
      if (info.valueTruncated) return fail(CommonErrors.invalidParam(name, `${name} is too long.`));
      fields[name] = value;
    });
    parser.on('file', (name, stream) => {
      // Listened to before anything else: a body cut short errors this stream at once (busboy's
      // "Unexpected end of form"), and an unheard 'error' event would end the process.
      stream.on('error', () => fail(ComplianceErrors.malformedMultipart()));
      if (failed) {
        // A refused request (an unexpected field before the file, say) stores nothing.
        stream.resume();
        return;
      }
      if (name !== 'file' || filePromise) {
        stream.resume();
        return fail(ComplianceErrors.unexpectedPart(name));
      }
      fileStream = stream;
      filePromise = onFile(stream);
      filePromise.catch((error: unknown) => {
        stream.resume();
        fail(error instanceof Error ? error : ComplianceErrors.malformedMultipart());
      });
    });
    // Emitted once a part finishes at the limit: one part more than the fields and the file is too many.
    parser.on('partsLimit', () => fail(ComplianceErrors.malformedMultipart()));
    parser.on('filesLimit', () => fail(ComplianceErrors.unexpectedPart('file')));
    parser.on('fieldsLimit', () => fail(ComplianceErrors.malformedMultipart()));
    parser.on('error', () => fail(ComplianceErrors.malformedMultipart()));
    parser.on('close', () => {
      if (failed) return;
      if (!filePromise) return fail(ComplianceErrors.fileMissing());
      filePromise.then((file) => {
        if (!failed) resolve({ fields, file, rawSha256: raw.digest('hex') });
      }, (error: unknown) => fail(error instanceof Error ? error : ComplianceErrors.malformedMultipart()));
    });
    input.on('aborted', () => fail(ComplianceErrors.malformedMultipart()));
    input.on('error', () => fail(ComplianceErrors.malformedMultipart()));
    tap.on('error', () => fail(ComplianceErrors.malformedMultipart()));
    input.pipe(tap).pipe(parser);
  });
}
