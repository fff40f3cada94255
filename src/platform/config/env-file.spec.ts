import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, readEnvFile } from './config';

const ROOT = resolve(__dirname, '../../..');

describe('.env and .env.example', () => {
  it('reads .env under the process environment, which wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'didhub-env-'));
    try {
      const file = join(dir, '.env');
      writeFileSync(file, '# comment\nPORT=4000\nADMIN_API_TOKEN="from-the-file-0123456789abcdef0123"\nLOG_FORMAT=json\n');
      const { env, loaded } = readEnvFile(file, { PORT: '5000', DATA_DIR: dir, NODE_ENV: 'development' });
      expect(loaded).toBe(true);
      const config = loadConfig(env);
      expect(config).toMatchObject({ port: 5000, adminApiToken: 'from-the-file-0123456789abcdef0123', logFormat: 'json' });
      expect(readEnvFile(join(dir, 'missing.env'), { A: '1' })).toEqual({ env: { A: '1' }, loaded: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists every variable the configuration reads, in .env.example and in the README', () => {
    const source = readFileSync(join(ROOT, 'src/platform/config/config.ts'), 'utf8');
    const names = [...new Set([...source.matchAll(/(?:str|int|bool|cronExpression)\(env, '([A-Z0-9_]+)'/g)].map((m) => m[1]))];
    expect(names.length).toBeGreaterThan(20);
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(names.filter((name) => !new RegExp(`^# ${name}=`, 'm').test(example))).toEqual([]);
    expect(names.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });

  it('shows the code\'s defaults, and every line is sourceable by a shell (set -a; . ./.env)', () => {
    // Lines that show an example value rather than the default.
    const examples = new Set(['DATABASE_URL', 'REDIS_URL', 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'TRUST_PROXY', 'PUBLIC_API_URL', 'PROBE_SOURCES', 'SMTP_URL', 'MAIL_TRANSPORT', 'OAUTH_PROVIDERS', 'METRICS_PORT', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
    const dir = mkdtempSync(join(tmpdir(), 'didhub-env-'));
    try {
      const lines = readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n').filter((line) => /^# [A-Z0-9_]+=\S/.test(line));
      const uncommented = lines.map((line) => line.slice(2)).filter((line) => !examples.has(line.split('=')[0]));
      writeFileSync(join(dir, '.env'), uncommented.join('\n') + '\n');
      const printed = execFileSync('bash', ['-c', 'set -a; . ./.env; set +a; node -e "process.stdout.write(JSON.stringify(process.env))"'], {
        cwd: dir,
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
      });
      const sourced = JSON.parse(printed) as Record<string, string>;
      const names = uncommented.map((line) => line.split('=')[0]);
      const fromFile = Object.fromEntries(names.map((name) => [name, sourced[name]]));
      // The shell and the server's own .env reader read the same values.
      expect(readEnvFile(join(dir, '.env'), {}).env).toMatchObject(fromFile);
      expect(fromFile).toMatchObject({ MAIL_FROM: 'DIDHub <no-reply@didhub.io>', RETENTION_CRON: '0 3 * * *' });
      const base = { DATA_DIR: dir, SESSION_SECRET: 's'.repeat(40), API_KEY_PEPPER: 'p'.repeat(40), ENCRYPTION_KEYS: `k:${Buffer.alloc(32, 1).toString('base64')}` };
      const withDefaults = loadConfig({ ...fromFile, ...base, DATA_DIR: dir, MAIL_DIR: join(dir, 'mail') });
      expect(withDefaults).toEqual(loadConfig(base));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
