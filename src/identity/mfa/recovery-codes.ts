import { randomInt } from 'node:crypto';
import type { KeyedHash } from '../../platform/crypto/keyed-hash';

export const RECOVERY_CODE_COUNT = 10;
// No 0/o, 1/l/i: codes are read off paper and typed by hand.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUP = 5;

/**
 * `xxxxx-xxxxx`: ~49 bits of randomness each — few enough that an unkeyed hash could be brute-forced
 * from a copy of the database, so they are stored under an HMAC with a server key.
 */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    let raw = '';
    for (let i = 0; i < GROUP * 2; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
    return `${raw.slice(0, GROUP)}-${raw.slice(GROUP)}`;
  });
}

/** Case, spaces and dashes do not matter when a code is typed back. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

export function hashRecoveryCode(code: string, keyedHash: KeyedHash): string {
  return keyedHash.digest('recovery-code', normaliseRecoveryCode(code));
}
