import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderImportGraph, importCycles } from '../support/import-graph';

const SRC = join(__dirname, '..', '..', 'src');
/** Cross-cutting folders every feature may use; they must not reach back into a feature. */
const INFRASTRUCTURE = new Set(['common', 'config', 'prisma', 'generated']);

describe('feature folders', () => {
  const graph = folderImportGraph(SRC);

  it('import each other without cycles (two features that need each other use a port)', () => {
    const features = new Map(
      [...graph]
        .filter(([folder]) => !INFRASTRUCTURE.has(folder))
        .map(([folder, deps]) => [folder, new Set([...deps].filter((d) => !INFRASTRUCTURE.has(d)))]),
    );
    expect(features.size).toBeGreaterThan(10);
    expect(importCycles(features)).toEqual([]);
  });

  it('cross-cutting folders never import a feature (which would close a cycle through them)', () => {
    const reachBack = [...graph]
      .filter(([folder]) => INFRASTRUCTURE.has(folder))
      .flatMap(([folder, deps]) => [...deps].filter((d) => !INFRASTRUCTURE.has(d)).map((d) => `${folder} -> ${d}`));
    expect(reachBack).toEqual([]);
  });

  it('keeps auth/ free of mfa/ imports: the second factor is a port', () => {
    expect([...graph.get('auth')!]).not.toContain('mfa');
    expect([...graph.get('mfa')!]).toContain('auth');
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
