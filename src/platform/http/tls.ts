import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { ServerOptions } from 'node:https';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { AppConfig } from '../config/config.types';

/** Forward-secret AEAD suites only for TLS 1.2; TLS 1.3 suites are Node's defaults. */
const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

function devCertificate(dataDir: string): { cert: string; key: string } {
  const dir = join(dataDir, 'tls');
  const certFile = join(dir, 'localhost-cert.pem');
  const keyFile = join(dir, 'localhost-key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pems = generate([{ name: 'commonName', value: 'localhost' }], {
    days: 365,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  writeFileSync(certFile, pems.cert, { mode: 0o644 });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  return { cert: pems.cert, key: pems.private };
}

/**
 * HTTPS options, or null in TRUST_PROXY mode (plain HTTP behind a TLS-terminating proxy).
 * Without certificate files (development only; production config refuses that) a self-signed
 * certificate for localhost is generated once into DATA_DIR.
 */
export function httpsOptions(config: AppConfig): ServerOptions | null {
  if (config.trustProxy !== null && config.tlsCertFile === null) return null;
  const pair =
    config.tlsCertFile && config.tlsKeyFile
      ? { cert: readFileSync(config.tlsCertFile, 'utf8'), key: readFileSync(config.tlsKeyFile, 'utf8') }
      : devCertificate(config.dataDir);
  return { ...pair, minVersion: 'TLSv1.2', ciphers: TLS12_CIPHERS, honorCipherOrder: true };
}
