import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { Inject, Injectable } from '@nestjs/common';
import { encryptionContext, ENCRYPTED_FIELDS } from '../../platform/crypto/encrypted-fields';
import { EncryptionService } from '../../platform/crypto/encryption.service';
import { CommonErrors } from '../../platform/errors/common-errors';
import { isIdOf, newId } from '../../platform/ids/ids';
import { CursorCodec } from '../../platform/pagination/cursor';
import { type ListResponse, toListPage } from '../../platform/pagination/list';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import type { IdempotencyGate } from '../../pipeline/idempotency/idempotency-gate';
import type { ReplayedResponse } from '../../pipeline/idempotency/idempotency.service';
import { EventPublisher } from '../../events/events/event-publisher';
import { ComplianceErrors } from '../compliance-errors';
import { DOCUMENT_TYPES } from '../requirements/requirements';
import { ContentInspector, type DetectedType } from './document-content';
import { chunkId, type DocumentRow, DocumentsRepository } from './documents.repository';
import { readMultipart } from './multipart-upload';

/** Plaintext bytes per stored chunk: bounds memory per upload and per download step. */
export const CHUNK_BYTES = 64 * 1024;
/** Chunks fetched per query when downloading (1 MiB of ciphertext). */
const DOWNLOAD_BATCH = 16;
/** Multipart framing allowed on top of the file before Content-Length alone refuses a request. */
const MULTIPART_OVERHEAD = 16 * 1024;

export interface DocumentResponse {
  id: string;
  object: 'document';
  type: string;
  end_user_id: string | null;
  content_type: string;
  size_bytes: number;
  sha256: string;
  created_at: string;
}

export type UploadOutcome = { kind: 'created'; document: DocumentResponse } | { kind: 'replay'; response: ReplayedResponse };

interface StoredFile {
  sizeBytes: number;
  sha256: string;
  contentType: DetectedType;
}

@Injectable()
export class DocumentsService {
  constructor(
    private readonly repository: DocumentsRepository,
    private readonly encryption: EncryptionService,
    private readonly cursors: CursorCodec,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: EventPublisher,
  ) {}

  /**
   * Streams the upload through validation and encryption into the database, chunk by chunk:
   * no plaintext file on disk or in a temporary directory, and PNG and JPEG never whole in
   * memory (their structure is walked as it streams). A PDF is read from its end, so its bytes
   * are held in memory (at most DOCUMENT_MAX_BYTES) until the parser checked it. The row stays
   * `uploading` (invisible) until everything checked out; any failure removes it.
   */
  async upload(accountId: string, body: Readable, headers: IncomingHttpHeaders, gate: IdempotencyGate | null): Promise<UploadOutcome> {
    const type = headers['content-type'];
    if (typeof type !== 'string' || !/^multipart\/form-data\b/i.test(type)) throw ComplianceErrors.notMultipart();
    const max = this.config.documentMaxBytes;
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > max + MULTIPART_OVERHEAD) throw ComplianceErrors.fileTooLarge(max);

    const id = newId('document');
    let started = false;
    try {
      const { fields, file, rawSha256 } = await readMultipart(body, headers, ['type', 'end_user_id'], async (stream) => {
        started = true;
        await this.repository.startUpload(accountId, id);
        return this.store(id, stream, max);
      });
      if (gate) {
        const replay = await gate.claim(rawSha256);
        if (replay) {
          await this.repository.discardUpload(id);
          return { kind: 'replay', response: replay };
        }
      }
      const docType = fields.type;
      if (docType === undefined) throw ComplianceErrors.fieldRequired('type');
      if (!(DOCUMENT_TYPES as readonly string[]).includes(docType)) {
        throw CommonErrors.invalidParam('type', `type must be one of ${DOCUMENT_TYPES.join(', ')}.`);
      }
      // An empty optional field (Swagger UI and HTML forms send `end_user_id=`) is no end-user, not an unknown one.
      const endUserId = fields.end_user_id || null;
      if (endUserId !== null && !isIdOf('endUser', endUserId)) throw ComplianceErrors.endUserNotFound('end_user_id');
      const row = await this.repository.finishUpload(accountId, id, { type: docType, endUserId, ...file });
      if (!row) throw ComplianceErrors.endUserNotFound('end_user_id');
      return { kind: 'created', document: toDocumentResponse(row) };
    } catch (error) {
      if (started) await this.repository.discardUpload(id);
      throw error;
    }
  }

  private async store(id: string, stream: Readable, max: number): Promise<StoredFile> {
    const sha = createHash('sha256');
    const inspector = new ContentInspector();
    let size = 0;
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (bytes: Buffer) => {
      const ctx = encryptionContext(ENCRYPTED_FIELDS.documentChunk, chunkId(id, seq));
      await this.repository.appendChunk(id, seq, this.encryption.encryptBytes(bytes, ctx));
      seq++;
    };
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      // Stop at the first byte over the limit: nothing more is read, hashed or stored.
      if (size > max) throw ComplianceErrors.fileTooLarge(max);
      sha.update(chunk);
      inspector.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= CHUNK_BYTES) {
        const joined = Buffer.concat(pending);
        await flush(joined.subarray(0, CHUNK_BYTES));
        const rest = joined.subarray(CHUNK_BYTES);
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
      }
    }
    if (pendingBytes > 0) await flush(Buffer.concat(pending));
    if (size === 0) throw ComplianceErrors.fileEmpty();
    const contentType = await inspector.finish();
    return { sizeBytes: size, sha256: sha.digest('hex'), contentType };
  }

  async list(accountId: string, query: { limit?: number; cursor?: string; end_user_id?: string }): Promise<ListResponse<DocumentResponse>> {
    const limit = query.limit ?? 20;
    const scope = `documents:${accountId}:${query.end_user_id ?? ''}`;
    const after = query.cursor ? this.cursors.decodePosition(scope, query.cursor) : null;
    const rows = await this.repository.list(accountId, { endUserId: query.end_user_id }, after, limit);
    return toListPage(rows, limit, toDocumentResponse, (r) => this.cursors.encodePosition(scope, r.createdAt, r.id));
  }

  async get(accountId: string, id: string): Promise<DocumentResponse> {
    return toDocumentResponse(await this.findRow(accountId, id));
  }

  async findRow(accountId: string, id: string): Promise<DocumentRow> {
    const row = isIdOf('document', id) ? await this.repository.find(accountId, id) : null;
    if (!row) throw ComplianceErrors.documentNotFound();
    return row;
  }

  /**
   * Decrypts the chunks in order onto `out`, a bounded batch at a time, waiting for the client
   * to drain. Each chunk is authenticated against its document and position.
   */
  async writeContent(row: DocumentRow, out: Writable): Promise<void> {
    let next = 0;
    for (;;) {
      const batch = await this.repository.chunks(row.id, next, DOWNLOAD_BATCH);
      for (const chunk of batch) {
        if (chunk.seq !== next) throw new Error(`document ${row.id} is missing chunk ${next}`);
        const plain = this.encryption.decryptBytes(chunk.data, encryptionContext(ENCRYPTED_FIELDS.documentChunk, chunk.id));
        if (!out.write(plain)) await once(out, 'drain');
        next++;
      }
      if (batch.length < DOWNLOAD_BATCH) return;
    }
  }

  /**
   * Removes uploads an instance left unfinished (it crashed mid-stream) once older than
   * `before`; for the retention job. Returns how many went, at most `limit`.
   */
  purgeStaleUploads(before: Date, limit = 100): Promise<number> {
    return this.repository.deleteStaleUploads(before, limit);
  }

  async delete(accountId: string, id: string): Promise<void> {
    const result = isIdOf('document', id) ? await this.repository.deleteUnlessLocked(accountId, id, (tx) => this.events.publish(tx, { type: 'document.deleted', accountId, resourceId: id, data: { document_id: id, deleted_at: new Date().toISOString() } })) : { deleted: false as const, lockedBy: null };
    if (result.deleted) return;
    if ('legalHold' in result && result.legalHold) throw ComplianceErrors.legalHold();
    if (result.lockedBy) throw ComplianceErrors.documentInUse(result.lockedBy);
    throw ComplianceErrors.documentNotFound();
  }
}

export function toDocumentResponse(row: DocumentRow): DocumentResponse {
  return {
    id: row.id,
    object: 'document',
    type: row.type!,
    end_user_id: row.endUserId,
    content_type: row.contentType!,
    size_bytes: row.sizeBytes,
    sha256: row.sha256!,
    created_at: row.createdAt.toISOString(),
  };
}
