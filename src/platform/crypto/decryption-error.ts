export type DecryptionFailure = 'malformed' | 'unknown_key' | 'authentication_failed';

/**
 * A stored ciphertext could not be opened. Messages name the key id and the location, never
 * key material or plaintext, so they are safe to log.
 */
export class DecryptionError extends Error {
  constructor(
    readonly reason: DecryptionFailure,
    message: string,
    readonly kid?: string,
  ) {
    super(message);
    this.name = 'DecryptionError';
  }
}
