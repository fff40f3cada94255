import { createHmac } from 'node:crypto';

/**
 * A short one-way fingerprint of a secret (16 hex digits of an HMAC under the secret itself):
 * tells whether two deployments hold the same key without revealing anything about it. Two
 * development data directories both call their key "dev1"; only the fingerprint tells them apart.
 */
export function keyFingerprint(secret: Buffer | string): string {
  return createHmac('sha256', secret).update('didhub:key-fingerprint:v1').digest('hex').slice(0, 16);
}
