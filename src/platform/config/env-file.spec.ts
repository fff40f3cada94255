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
});
