import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export const ID_PREFIXES = {
  user: 'usr',
  account: 'acct',
  membership: 'mem',
  session: 'ses',
  apiKey: 'key',
  endUser: 'eu',
  document: 'doc',
  bundle: 'bun',
  number: 'num',
  sipGateway: 'sipgw',
  cdr: 'cdr',
  request: 'req',
  loginAttempt: 'la',
  emailToken: 'etk',
  invitation: 'inv',
  invoice: 'in',
  retentionRun: 'rrun',
  idempotency: 'idem',
  oauthIdentity: 'oid',
  erasureRequest: 'ers',
  passkey: 'pk',
  webauthnChallenge: 'wch',
  event: 'evt',
  webhookEndpoint: 'we',
  webhookDelivery: 'whd',
  webhookAttempt: 'wha',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

// Every id (one per request at least) draws from one block of CSPRNG output refilled 4 KiB at
// a time, rather than a fresh buffer and a system call per id.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/** Random base62 of `length` characters, rejection-sampled so every symbol is equally likely. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    if (poolOffset === pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const byte = pool[poolOffset];
    // Each byte is used once; what it was is not kept around.
    pool[poolOffset++] = 0;
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

/** Prefixed random id, e.g. `usr_4fQ...` — 22 base62 characters ≈ 131 bits. */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomBase62(22)}`;
}

const ID_PATTERNS = Object.fromEntries(
  Object.entries(ID_PREFIXES).map(([kind, prefix]) => [kind, new RegExp(`^${prefix}_[0-9A-Za-z]{22}$`)]),
) as Record<IdKind, RegExp>;

export function isIdOf(kind: IdKind, value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERNS[kind].test(value);
}
