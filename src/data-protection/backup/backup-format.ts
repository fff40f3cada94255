import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * The encrypted backup archive: a header, then AES-256-GCM records, then an authenticated
 * final record.
 *
 *   header  = "DIDHUBBK" | version (1) | kind (1: 1 postgres, 2 embedded) | salt (32)
 *             | version 2: manifest length (u32 BE) | manifest (JSON: the key fingerprints it needs)
 *   record  = type (1: 0 data, 1 final) | length (u32 BE) | ciphertext | tag (16)
 *
 * The file key is HKDF-SHA256(BACKUP_KEY, salt); each record's nonce is its index and its
 * additional data binds the header, its type and its index, so records cannot be reordered,
 * dropped, or moved between archives. The final record holds the total plaintext length: a
 * truncated archive has none and is refused. The manifest is readable without BACKUP_KEY (it
 * holds key ids and one-way fingerprints, no key material) and authenticated with the header by
 * every record. Version 1 archives (no manifest) are still read.
 */
export type BackupKind = 'postgres' | 'embedded';

const MAGIC = Buffer.from('DIDHUBBK', 'ascii');
const VERSION = 2;
const HEADER_BYTES = MAGIC.length + 2 + 32;
const MAX_MANIFEST = 64 * 1024;
const RECORD_HEAD = 5;
const TAG_BYTES = 16;
const CHUNK = 64 * 1024;
const MAX_RECORD = CHUNK + 1024;
const KIND_CODES: Record<BackupKind, number> = { postgres: 1, embedded: 2 };

export class BackupIntegrityError extends Error {
  constructor(detail: string) {
    super(`the backup archive is damaged, altered, or was made with another BACKUP_KEY (${detail}); nothing was restored`);
  }
}

function fileKey(backupKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', backupKey, salt, 'didhub-backup-v1', 32));
}

function nonce(index: bigint): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(index, 4);
  return n;
}

function aad(header: Buffer, type: number, index: bigint): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeUInt8(type, 0);
  tail.writeBigUInt64BE(index, 1);
  return Buffer.concat([header, tail]);
}

/** Plaintext in, archive out. */
export class BackupEncryptor extends Transform {
  private readonly header: Buffer;
  private readonly key: Buffer;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0n;
  private total = 0n;

  constructor(backupKey: Buffer, kind: BackupKind, manifest: object = {}) {
    super();
    const salt = randomBytes(32);
    const json = Buffer.from(JSON.stringify(manifest), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(json.length);
    this.header = Buffer.concat([MAGIC, Buffer.from([VERSION, KIND_CODES[kind]]), salt, length, json]);
    this.key = fileKey(backupKey, salt);
    this.push(this.header);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.total += BigInt(chunk.length);
    while (this.pendingBytes >= CHUNK) {
      const all = Buffer.concat(this.pending);
      this.seal(0, all.subarray(0, CHUNK));
      this.pending = [all.subarray(CHUNK)];
      this.pendingBytes = all.length - CHUNK;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.pendingBytes) this.seal(0, Buffer.concat(this.pending));
    const total = Buffer.alloc(8);
    total.writeBigUInt64BE(this.total);
    this.seal(1, total);
    callback();
  }

  private seal(type: number, plaintext: Buffer): void {
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce(this.index));
    cipher.setAAD(aad(this.header, type, this.index));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const head = Buffer.alloc(RECORD_HEAD);
    head.writeUInt8(type, 0);
    head.writeUInt32BE(ciphertext.length, 1);
    this.push(Buffer.concat([head, ciphertext, cipher.getAuthTag()]));
    this.index++;
  }
}

/**
 * Archive in, plaintext out; errors with BackupIntegrityError on any altered byte, a wrong
 * key, truncation or trailing data. Each record is authenticated before its plaintext is
 * passed on; the whole archive is only proven once the stream ends without error, so
 * restores verify a full pass before writing anything.
 */
export class BackupDecryptor extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  private header: Buffer | null = null;
  private key: Buffer | null = null;
  private index = 0n;
  private total = 0n;
  private finished = false;
  kind: BackupKind | null = null;
  /** Version 2: what the archive says it needs (authenticated once the stream ended without error). */
  manifest: Record<string, unknown> | null = null;

  constructor(private readonly backupKey: Buffer) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    try {
      this.consume();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (!this.finished || this.buffer.length) callback(new BackupIntegrityError(this.finished ? 'trailing data' : 'truncated'));
    else callback();
  }

  private consume(): void {
    if (!this.header) {
      if (this.buffer.length < HEADER_BYTES) return;
      const header = this.buffer.subarray(0, HEADER_BYTES);
      if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new BackupIntegrityError('not a DIDHub backup');
      const version = header[MAGIC.length];
      if (version !== 1 && version !== VERSION) throw new BackupIntegrityError('unknown format version');
      const kind = (Object.keys(KIND_CODES) as BackupKind[]).find((k) => KIND_CODES[k] === header[MAGIC.length + 1]);
      if (!kind) throw new BackupIntegrityError('unknown database kind');
      let headerBytes = HEADER_BYTES;
      if (version === VERSION) {
        if (this.buffer.length < HEADER_BYTES + 4) return;
        const length = this.buffer.readUInt32BE(HEADER_BYTES);
        if (length > MAX_MANIFEST) throw new BackupIntegrityError('malformed manifest');
        if (this.buffer.length < HEADER_BYTES + 4 + length) return;
        try {
          this.manifest = JSON.parse(this.buffer.subarray(HEADER_BYTES + 4, HEADER_BYTES + 4 + length).toString('utf8')) as Record<string, unknown>;
        } catch {
          throw new BackupIntegrityError('malformed manifest');
        }
        headerBytes = HEADER_BYTES + 4 + length;
      }
      this.kind = kind;
      this.header = Buffer.from(this.buffer.subarray(0, headerBytes));
      this.key = fileKey(this.backupKey, header.subarray(MAGIC.length + 2, HEADER_BYTES));
      this.buffer = this.buffer.subarray(headerBytes);
    }
    for (;;) {
      if (this.buffer.length < RECORD_HEAD) return;
      if (this.finished) throw new BackupIntegrityError('trailing data');
      const type = this.buffer.readUInt8(0);
      const length = this.buffer.readUInt32BE(1);
      if (type > 1 || length > MAX_RECORD) throw new BackupIntegrityError('malformed record');
      if (this.buffer.length < RECORD_HEAD + length + TAG_BYTES) return;
      const ciphertext = this.buffer.subarray(RECORD_HEAD, RECORD_HEAD + length);
      const tag = this.buffer.subarray(RECORD_HEAD + length, RECORD_HEAD + length + TAG_BYTES);
      let plaintext: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-gcm', this.key!, nonce(this.index));
        decipher.setAAD(aad(this.header, type, this.index));
        decipher.setAuthTag(tag);
        plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
      } catch {
        throw new BackupIntegrityError(`record ${this.index} does not authenticate`);
      }
      this.buffer = this.buffer.subarray(RECORD_HEAD + length + TAG_BYTES);
      this.index++;
      if (type === 1) {
        if (plaintext.length !== 8 || plaintext.readBigUInt64BE() !== this.total) throw new BackupIntegrityError('length mismatch');
        this.finished = true;
      } else {
        this.total += BigInt(plaintext.length);
        this.push(plaintext);
      }
    }
  }
}
