import type { EncryptionContext } from './encryption.service';

/**
 * A database column holding EncryptionService ciphertexts. `table`, `idColumn` and `column`
 * are the real SQL names (the `@@map`/`@map` names, not Prisma's model names); `field` is the
 * name bound into each ciphertext and must never change once data exists.
 */
export interface EncryptedField {
  readonly table: string;
  readonly idColumn: string;
  readonly column: string;
  readonly kind: 'text' | 'bytea';
  readonly field: string;
}

/**
 * Every encrypted column, so key rotation finds them all. Register a column with one line
 * here, then encrypt through it: `encryption.encryptString(v, encryptionContext(ENCRYPTED_FIELDS.x, row.id))`.
 * Example line: `sipGatewayPassword: { table: 'sip_gateways', idColumn: 'id', column: 'password_enc', kind: 'text', field: 'password' },`
 */
export const ENCRYPTED_FIELDS = {
  userMfaSecret: { table: 'users', idColumn: 'id', column: 'mfa_secret_enc', kind: 'text', field: 'mfa_secret' },
  userMfaPendingSecret: { table: 'users', idColumn: 'id', column: 'mfa_pending_secret_enc', kind: 'text', field: 'mfa_pending_secret' },
  endUserDateOfBirth: { table: 'end_users', idColumn: 'id', column: 'date_of_birth_enc', kind: 'text', field: 'date_of_birth' },
  endUserDocumentNumber: { table: 'end_users', idColumn: 'id', column: 'document_number_enc', kind: 'text', field: 'document_number' },
  endUserRegistrationNumber: { table: 'end_users', idColumn: 'id', column: 'registration_number_enc', kind: 'text', field: 'registration_number' },
  documentChunk: { table: 'document_chunks', idColumn: 'id', column: 'data', kind: 'bytea', field: 'content' },
  mailOutboxPayload: { table: 'mail_outbox', idColumn: 'id', column: 'payload_enc', kind: 'text', field: 'payload' },
  sipGatewayPassword: { table: 'sip_gateways', idColumn: 'id', column: 'password_enc', kind: 'text', field: 'password' },
  idempotencyResponse: { table: 'idempotency_records', idColumn: 'id', column: 'response_enc', kind: 'bytea', field: 'response' },
  webhookSecret: { table: 'webhook_endpoints', idColumn: 'id', column: 'secret_enc', kind: 'text', field: 'signing_secret' },
  webhookPreviousSecret: { table: 'webhook_endpoints', idColumn: 'id', column: 'previous_secret_enc', kind: 'text', field: 'previous_signing_secret' },
} as const satisfies Record<string, EncryptedField>;

export const ALL_ENCRYPTED_FIELDS: readonly EncryptedField[] = Object.values(ENCRYPTED_FIELDS);

/** The context a feature must use when encrypting a registered column, so rotation can reopen it. */
export function encryptionContext(field: EncryptedField, rowId: string): EncryptionContext {
  return { table: field.table, rowId, field: field.field };
}

export function encryptedFieldLabel(field: EncryptedField): string {
  return `${field.table}.${field.column}`;
}

const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Rotation builds SQL from these names, so each must be a plain lower-case identifier; this
 * keeps quoting trivial and rejects anything that could smuggle SQL in.
 */
export function assertValidEncryptedFields(fields: readonly EncryptedField[]): void {
  const seen = new Set<string>();
  for (const f of fields) {
    for (const [name, value] of [['table', f.table], ['idColumn', f.idColumn], ['column', f.column]] as const) {
      if (!SQL_IDENTIFIER.test(value)) {
        throw new Error(`encrypted field ${name} "${value}" must be a lower-case SQL identifier`);
      }
    }
    if (f.kind !== 'text' && f.kind !== 'bytea') throw new Error(`encrypted field kind "${String(f.kind)}" is unknown`);
    if (!/^[A-Za-z0-9_.-]{1,128}$/.test(f.field)) throw new Error(`encrypted field name "${f.field}" is not valid`);
    const label = encryptedFieldLabel(f);
    if (seen.has(label)) throw new Error(`encrypted field ${label} is registered twice`);
    seen.add(label);
  }
}

assertValidEncryptedFields(ALL_ENCRYPTED_FIELDS);
