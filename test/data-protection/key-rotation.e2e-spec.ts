import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { DecryptionError } from '../../src/platform/crypto/decryption-error';
import { encryptionContext, type EncryptedField } from '../../src/platform/crypto/encrypted-fields';
import { EncryptionModule } from '../../src/platform/crypto/encryption.module';
import { KeyRotationModule } from '../../src/data-protection/key-rotation/key-rotation.module';
import { EncryptionService } from '../../src/platform/crypto/encryption.service';
import { KeyRotationRepository } from '../../src/data-protection/key-rotation/key-rotation.repository';
import { KeyRotationService, type RotationProgress } from '../../src/data-protection/key-rotation/key-rotation.service';
import { ConfigModule } from '../../src/platform/config/config.module';
import { createLogger } from '../../src/platform/logging/logger';
import { LoggingModule } from '../../src/platform/logging/logging.module';
import type { AppConfig, EncryptionKey } from '../../src/platform/config/config.types';
import { type DatabaseHandle, openPglite, openPostgres } from '../../src/platform/database/database';
import { PrismaModule } from '../../src/platform/database/prisma.module';
import { PrismaService } from '../../src/platform/database/prisma.service';

const keyA: EncryptionKey = { kid: 'key-a', key: randomBytes(32) };
const keyB: EncryptionKey = { kid: 'key-b', key: randomBytes(32) };
const suffix = randomBytes(4).toString('hex');
const table = `enc_rotation_${suffix}`;
const failTable = `enc_rotation_bad_${suffix}`;

const secretField: EncryptedField = { table, idColumn: 'id', column: 'secret_enc', kind: 'text', field: 'secret' };
const blobField: EncryptedField = { table, idColumn: 'id', column: 'content_enc', kind: 'bytea', field: 'content' };
const badField: EncryptedField = { table: failTable, idColumn: 'code', column: 'secret_enc', kind: 'text', field: 'secret' };

const ROWS = 23;
const BATCH = 5;

interface Row {
  id: string;
  secret_enc: string | null;
  content_enc: Uint8Array | null;
}

describe('key rotation against a real database', () => {
  let tmp: string | null = null;
  let handle: DatabaseHandle;
  let rotation: KeyRotationService;
  let repository: KeyRotationRepository;
  let close: () => Promise<void>;
  const oldEnc = new EncryptionService({ encryptionKeys: [keyA] });
  const newEnc = new EncryptionService({ encryptionKeys: [keyB, keyA] });
  const plaintexts = new Map<string, { secret: string; content: Buffer }>();

  beforeAll(async () => {
    // A test run's DATABASE_URL points at a throwaway database; the scratch tables are dropped anyway.
    const databaseUrl = process.env.DATABASE_URL?.trim() || null;
    if (databaseUrl) {
      handle = openPostgres(databaseUrl);
    } else {
      tmp = mkdtempSync(join(tmpdir(), 'didhub-key-rotation-'));
      handle = await openPglite(join(tmp, 'db'));
    }
    await handle.query(`CREATE TABLE ${table} (id uuid PRIMARY KEY, secret_enc text, content_enc bytea)`);
    await handle.query(`CREATE TABLE ${failTable} (code text PRIMARY KEY, secret_enc text)`);

    for (let i = 0; i < ROWS; i++) {
      const id = randomUUID();
      const secret = `sip-password-${i}-${randomBytes(6).toString('hex')}`;
      const content = randomBytes(100 + i * 50);
      plaintexts.set(id, { secret, content });
      await handle.query(`INSERT INTO ${table} (id, secret_enc, content_enc) VALUES ($1, $2, $3)`, [
        id,
        oldEnc.encryptString(secret, encryptionContext(secretField, id)),
        oldEnc.encryptBytes(content, encryptionContext(blobField, id)),
      ]);
    }
    const alreadyCurrent = randomUUID();
    plaintexts.set(alreadyCurrent, { secret: 'already-new', content: Buffer.from('already-new') });
    await handle.query(`INSERT INTO ${table} (id, secret_enc, content_enc) VALUES ($1, $2, $3)`, [
      alreadyCurrent,
      newEnc.encryptString('already-new', encryptionContext(secretField, alreadyCurrent)),
      newEnc.encryptBytes(Buffer.from('already-new'), encryptionContext(blobField, alreadyCurrent)),
    ]);
    await handle.query(`INSERT INTO ${table} (id, secret_enc, content_enc) VALUES ($1, NULL, NULL)`, [randomUUID()]);

    const config = { encryptionKeys: [keyB, keyA], databaseUrl, dataDir: tmp ?? '', logLevel: 'silent' } as AppConfig;
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), LoggingModule.forRoot(createLogger(config)), PrismaModule.forRoot({ handle, migrate: false }), EncryptionModule, KeyRotationModule],
    }).compile();
    await moduleRef.init();
    rotation = moduleRef.get(KeyRotationService);
    repository = new KeyRotationRepository(moduleRef.get(PrismaService));
    close = () => moduleRef.close();
  });

  afterAll(async () => {
    if (handle) {
      await handle.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      await handle.query(`DROP TABLE IF EXISTS ${failTable}`).catch(() => undefined);
    }
    if (close) await close();
    else if (handle) await handle.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function allRows(): Promise<Row[]> {
    return handle.query<Row>(`SELECT id::text AS id, secret_enc, content_enc FROM ${table} ORDER BY id`);
  }

  it('re-encrypts every old value under the first key, in batches, keeping the plaintext', async () => {
    const progress: RotationProgress[] = [];
    const results = await rotation.rotate({ batchSize: BATCH, fields: [secretField, blobField], onProgress: (p) => progress.push(p) });

    for (const result of results) {
      expect(result).toEqual({
        field: expect.any(String),
        total: ROWS,
        scanned: ROWS,
        rotated: ROWS,
        changedConcurrently: 0,
        failed: 0,
        failedRowIds: [],
      });
    }
    expect(results.map((r) => r.field)).toEqual([`${table}.secret_enc`, `${table}.content_enc`]);

    const secretProgress = progress.filter((p) => p.field === `${table}.secret_enc`);
    expect(secretProgress.map((p) => p.rotated)).toEqual([5, 10, 15, 20, 23]);
    expect(secretProgress.every((p) => p.total === ROWS)).toBe(true);
    expect(progress.filter((p) => p.field === `${table}.content_enc`)).toHaveLength(Math.ceil(ROWS / BATCH));

    const rows = await allRows();
    expect(rows).toHaveLength(ROWS + 2);
    for (const row of rows) {
      const expected = plaintexts.get(row.id);
      if (!expected) {
        expect(row.secret_enc).toBeNull();
        expect(row.content_enc).toBeNull();
        continue;
      }
      expect(newEnc.keyIdOf(row.secret_enc!)).toBe('key-b');
      expect(newEnc.keyIdOf(row.content_enc!)).toBe('key-b');
      expect(newEnc.decryptString(row.secret_enc!, encryptionContext(secretField, row.id))).toBe(expected.secret);
      expect(newEnc.decryptBytes(row.content_enc!, encryptionContext(blobField, row.id)).equals(expected.content)).toBe(true);
      // The old key alone can no longer read it: the data really moved.
      expect(() => oldEnc.decryptString(row.secret_enc!, encryptionContext(secretField, row.id))).toThrow(DecryptionError);
    }
  });

  it('finds nothing to do on a rerun', async () => {
    const onProgress = jest.fn();
    const results = await rotation.rotate({ batchSize: BATCH, fields: [secretField, blobField], onProgress });
    expect(results.map((r) => [r.total, r.scanned, r.rotated])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(onProgress).not.toHaveBeenCalled();
  });

  it('never overwrites a value the application changed after rotation read it', async () => {
    const [row] = await allRows();
    const ctx = encryptionContext(secretField, row.id);
    const staleRead = oldEnc.encryptString('what rotation read', ctx);
    expect(await repository.replaceIfUnchanged(secretField, row.id, staleRead, newEnc.encryptString('x', ctx))).toBe(false);
    const [after] = await handle.query<Row>(`SELECT secret_enc FROM ${table} WHERE id = $1`, [row.id]);
    expect(after.secret_enc).toBe(row.secret_enc);
  });

  it('reports values it cannot decrypt and still rotates the rest', async () => {
    const good = ['a-1', 'a-2', 'a-3'];
    for (const code of good) {
      await handle.query(`INSERT INTO ${failTable} (code, secret_enc) VALUES ($1, $2)`, [
        code,
        oldEnc.encryptString(`secret ${code}`, encryptionContext(badField, code)),
      ]);
    }
    const gone = new EncryptionService({ encryptionKeys: [{ kid: 'retired', key: randomBytes(32) }] });
    await handle.query(`INSERT INTO ${failTable} (code, secret_enc) VALUES ($1, $2), ($3, $4)`, [
      'b-unknown-key',
      gone.encryptString('lost', encryptionContext(badField, 'b-unknown-key')),
      'c-moved',
      oldEnc.encryptString('moved', encryptionContext(badField, 'somewhere-else')),
    ]);

    const [result] = await rotation.rotate({ batchSize: 2, fields: [badField] });

    expect(result).toMatchObject({ total: 5, scanned: 5, rotated: 3, failed: 2 });
    expect(result.failedRowIds.sort()).toEqual(['b-unknown-key', 'c-moved']);
    const rows = await handle.query<{ code: string; secret_enc: string }>(`SELECT code, secret_enc FROM ${failTable}`);
    for (const row of rows.filter((r) => good.includes(r.code))) {
      expect(newEnc.decryptString(row.secret_enc, encryptionContext(badField, row.code))).toBe(`secret ${row.code}`);
    }
  });

  it('refuses a field whose names are not plain SQL identifiers', async () => {
    const evil = { ...secretField, column: 'secret_enc"; DROP TABLE x; --' };
    await expect(rotation.rotate({ fields: [evil] })).rejects.toThrow('must be a lower-case SQL identifier');
  });
});
