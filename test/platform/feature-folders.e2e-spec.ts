import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { folderImportGraph, importCycles } from '../support/import-graph';

const SRC = join(__dirname, '..', '..', 'src');
const WINGS = ['identity', 'compliance', 'telephony', 'billing', 'data-protection', 'events'];

/** Every folder under `root` that holds sub-folders: the levels at which folders import each other. */
function levels(root: string): string[] {
  const out = [root];
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (name !== 'generated' && statSync(path).isDirectory()) out.push(...levels(path));
  }
  return out;
}

describe('the layout: wings and feature folders', () => {
  const wings = folderImportGraph(SRC);

  it('has no import cycle between folders at any level (two features that need each other use a port)', () => {
    const cycles = levels(SRC).flatMap((level) => importCycles(folderImportGraph(level)).map((c) => `${relative(SRC, level) || 'src'}: ${c.join(' <-> ')}`));
    expect(cycles).toEqual([]);
  });

  it('platform/ never reaches up; pipeline/ uses only platform/; nothing but main.ts imports app/', () => {
    expect([...wings.get('platform')!].filter((d) => d !== 'generated')).toEqual([]);
    expect([...wings.get('pipeline')!].filter((d) => !['platform', 'generated'].includes(d))).toEqual([]);
    const intoApp = [...wings].filter(([folder, deps]) => folder !== 'app' && deps.has('app')).map(([f]) => f);
    expect(intoApp).toEqual([]);
  });

  it('reads like the product: the wings, platform/, pipeline/, app/ and cli/', () => {
    const top = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory() && n !== 'generated');
    expect(top.sort()).toEqual(['app', 'cli', 'pipeline', 'platform', ...WINGS].sort());
    // cli/ only dispatches: one file.
    expect(readdirSync(join(SRC, 'cli'))).toEqual(['didhub.ts']);
  });

  it('keeps identity/auth free of identity/mfa imports: the second factor is a port', () => {
    const identity = folderImportGraph(join(SRC, 'identity'));
    expect([...identity.get('auth')!]).not.toContain('mfa');
    expect([...identity.get('mfa')!]).toContain('auth');
  });

  it('the checker finds a cycle through type-only and re-export imports', () => {
    const root = mkdtempSync(join(tmpdir(), 'didhub-imports-'));
    try {
      for (const folder of ['a', 'b', 'c', 'd']) mkdirSync(join(root, folder));
      writeFileSync(join(root, 'a', 'a.ts'), "import type { B } from '../b/b';\nexport const a = 1;\n");
      writeFileSync(join(root, 'b', 'b.ts'), "export { c } from '../c/nested';\nexport type B = 1;\n");
      mkdirSync(join(root, 'c', 'nested'));
      writeFileSync(join(root, 'c', 'nested', 'index.ts'), "import { a } from '../../a/a';\nexport const c = a;\n");
      writeFileSync(join(root, 'd', 'd.ts'), "import { a } from '../a/a';\nexport const d = a;\n");
      expect(importCycles(folderImportGraph(root))).toEqual([['a', 'b', 'c']]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
