import { randomBytes } from 'node:crypto';

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
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** Random base62 of `length` characters, rejection-sampled so every symbol is equally likely. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
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
